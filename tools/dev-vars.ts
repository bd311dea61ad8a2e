/**
 * `.dev.vars`: the local secrets `wrangler dev` reads. `npm run dev` creates it with a random ADMIN_TOKEN when it
 * is missing; `npm run keys` reads the token from it.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./repository/files.ts";

export const DEV_VARS = join(REPO_ROOT, ".dev.vars");

export function readDevVars(path = DEV_VARS): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (match?.[1]) vars[match[1]] = match[2] ?? "";
  }
  return vars;
}

/** Makes sure .dev.vars holds an ADMIN_TOKEN; returns whether it had to write one. */
export function ensureDevVars(path = DEV_VARS): boolean {
  if (readDevVars(path).ADMIN_TOKEN) return false;
  const token = randomBytes(24).toString("base64url");
  const previous = existsSync(path) ? readFileSync(path, "utf8") : "";
  const separator = previous === "" || previous.endsWith("\n") ? "" : "\n";
  writeFileSync(
    path,
    `${previous}${separator}# Local secrets for wrangler dev (git-ignored). In production: wrangler secret put ADMIN_TOKEN\nADMIN_TOKEN="${token}"\n`,
  );
  return true;
}
