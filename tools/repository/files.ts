/** Paths and hashing for the model repository (`models/<name>/<version>/`). */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const MODELS_DIR = join(REPO_ROOT, "models");

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Every `<name>/<version>` directory under `dir` that holds a manifest.json, sorted by name then version. */
export function listVersionDirs(dir: string): { name: string; version: string; path: string }[] {
  if (!existsSync(dir)) return [];
  const found: { name: string; version: string; path: string }[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    for (const version of readdirSync(join(dir, name.name), { withFileTypes: true })) {
      const path = join(dir, name.name, version.name);
      if (version.isDirectory() && existsSync(join(path, "manifest.json"))) {
        found.push({ name: name.name, version: version.name, path });
      }
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name) || Number(a.version) - Number(b.version));
}

/** What a published version's manifest says of its file and date, or undefined when `dir` holds none. */
export function publishedFile(dir: string): { sha256?: string; created?: string } | undefined {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) return undefined;
  const manifest = JSON.parse(readFileSync(path, "utf8")) as { file?: { sha256?: string }; created?: string };
  return { sha256: manifest.file?.sha256, created: manifest.created };
}

/** The next free version number for a model: 1 for a new one. */
export function nextVersion(dir: string, name: string): string {
  const versions = listVersionDirs(dir)
    .filter((v) => v.name === name)
    .map((v) => Number(v.version));
  return String(Math.max(0, ...versions) + 1);
}
