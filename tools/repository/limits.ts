/**
 * Workers' size limits, checked before a model is added: models travel inside the Worker bundle, next to ORT's
 * wasm, so their compressed size counts against the script limit.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadRepository, served } from "./index-file.ts";

/** Workers Paid: 10 MB compressed per Worker (Free: 3 MB, which ORT's wasm alone exceeds). */
export const WORKER_GZIP_LIMIT = 10 * 1024 * 1024;
/** Room left for our own code and headroom. */
export const CODE_ALLOWANCE = 512 * 1024;

export const gzipBytes = (bytes: Uint8Array): number => gzipSync(bytes, { level: 9 }).length;

let wasmGzip: number | undefined;

export function ortWasmGzipBytes(): number {
  const require = createRequire(import.meta.url);
  wasmGzip ??= gzipBytes(readFileSync(require.resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm")));
  return wasmGzip;
}

/** Compressed bytes still available for models, given the models already served. */
export function modelBudget(servedModels: Uint8Array[]): { used: number; left: number } {
  const used = ortWasmGzipBytes() + CODE_ALLOWANCE + servedModels.reduce((n, m) => n + gzipBytes(m), 0);
  return { used, left: WORKER_GZIP_LIMIT - used };
}

/**
 * Throws when `bytes`, served as `name` next to every other model the repository serves (older versions of `name`
 * excluded: the new one replaces them), would push the Worker past its compressed size limit.
 */
export function assertFitsWorker(dir: string, name: string, bytes: Uint8Array, what: string): void {
  const others = served(loadRepository(dir))
    .filter((m) => m.name !== name)
    .map((m) => new Uint8Array(readFileSync(join(dir, m.name, m.version, m.file.name))));
  const budget = modelBudget(others);
  const size = gzipBytes(bytes);
  if (size > budget.left) {
    throw new Error(
      `${what} is ${size} bytes gzipped; only ${budget.left} of the Worker's 10 MB compressed limit are left`,
    );
  }
}
