/** Sizes of every module `wrangler deploy` would upload, raw and gzipped, against Workers' limits. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export interface ModuleSize {
  file: string;
  raw: number;
  gzip: number;
}

export function uploadSizes(dir: string): { modules: ModuleSize[]; total: { raw: number; gzip: number } } {
  const modules = readdirSync(dir)
    // What wrangler uploads: the bundle and its wasm and data modules (not source maps, nor the bench's config).
    .filter((f) => /\.(js|mjs|wasm|onnx)$/.test(f))
    .map((file) => {
      const bytes = readFileSync(join(dir, file));
      // Strip wrangler's content-hash prefix: the name should say what the module is.
      return {
        file: file.replace(/^[0-9a-f]{40}-/, ""),
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
      };
    })
    .sort((a, b) => b.raw - a.raw);
  return {
    modules,
    total: { raw: modules.reduce((n, m) => n + m.raw, 0), gzip: modules.reduce((n, m) => n + m.gzip, 0) },
  };
}
