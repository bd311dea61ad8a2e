/**
 * `npm run dev`: `wrangler dev` on 127.0.0.1:8787 (see wrangler.toml [dev]), set up to work offline, with an
 * admin token in .dev.vars (created on first run). Extra arguments go to wrangler (`npm run dev -- --port 9000`).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { DEV_VARS, ensureDevVars } from "./dev-vars.ts";

if (ensureDevVars())
  console.log(`Created ${DEV_VARS} with a random ADMIN_TOKEN for the admin API (npm run keys reads it).`);

const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
const env = {
  ...process.env,
  // Miniflare otherwise fetches a sample `request.cf` from workers.cloudflare.com at start-up and prints a stack
  // trace when it cannot; nothing here reads `request.cf`.
  CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
  WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false",
};
const child = spawn(process.execPath, [wrangler, "dev", ...process.argv.slice(2)], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
