/**
 * Workers' size limits, checked before a model is added: models travel inside the Worker bundle, next to ORT's
 * wasm, so their compressed size counts against the script limit.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

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
