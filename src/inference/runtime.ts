/**
 * onnxruntime-web start-up inside workerd. This file is the only place that knows how ORT's WebAssembly gets
 * instantiated; everything else asks for `ort()`.
 *
 * Why a shim: workerd forbids compiling WebAssembly from bytes at run time ("Wasm code generation disallowed by
 * embedder"): a Worker may only instantiate modules that wrangler compiled at upload, imported as `.wasm` modules.
 * ORT's bundled build (`onnxruntime-web/wasm`) embeds the Emscripten loader, which either fetches the .wasm next to
 * `import.meta.url` (undefined in workerd) or, given `env.wasm.wasmBinary`, calls
 * `WebAssembly.instantiate(bytes, imports)`. ORT exposes no hook for passing a precompiled `WebAssembly.Module`
 * (Emscripten's `instantiateWasm` option is not forwarded by ORT's wasm-factory.ts), so, for the duration of ORT's
 * one-time initialisation only, `WebAssembly.instantiate` is wrapped: the call that carries our sentinel bytes is
 * answered by instantiating the precompiled module with the imports Emscripten built; every other call passes
 * through untouched. The wrapper is removed as soon as initialisation settles. test/worker/runtime.test.ts guards it.
 */

import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import { startup, timed } from "./startup";
import { WARM_UP_MODEL } from "./warm-up-model";

export { WARM_UP_MODEL };

import * as ortNamespace from "onnxruntime-web/wasm";

export type Ort = typeof ortNamespace;

/** The 8-byte WebAssembly header: a valid `wasmBinary` value that marks the instantiate call to substitute. */
const SENTINEL = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

function isSentinel(source: unknown): boolean {
  if (!(source instanceof Uint8Array) && !(source instanceof ArrayBuffer)) return false;
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  return bytes.length === SENTINEL.length && bytes.every((b, i) => b === SENTINEL[i]);
}

async function withPrecompiledModule<T>(module: WebAssembly.Module, init: () => Promise<T>): Promise<T> {
  const original = WebAssembly.instantiate;
  const substitute = async (source: unknown, imports?: WebAssembly.Imports) => {
    if (isSentinel(source)) {
      const instance = await timed(
        () => original(module, imports),
        (ms) => {
          startup.instantiateMs = ms;
        },
      );
      // Kept for the bench's memory report: ORT exposes no other way to see how large its heap has grown.
      // The threaded build imports its memory rather than exporting it: look at both.
      const candidates = [
        ...Object.values(instance.exports),
        ...Object.values(imports ?? {}).flatMap((m) => Object.values(m)),
      ];
      startup.wasmMemory = candidates.find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);
      return { instance, module };
    }
    return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
  };
  WebAssembly.instantiate = substitute as typeof WebAssembly.instantiate;
  try {
    return await init();
  } finally {
    WebAssembly.instantiate = original;
  }
}

let started: Promise<Ort> | undefined;

/**
 * Starts onnxruntime-web once per isolate: SIMD, one thread (workerd has no Worker threads), no proxy worker.
 * A failed start is not cached: the next caller retries, and the error says why it failed.
 */
export function ort(): Promise<Ort> {
  started ??= timed(start, (ms) => {
    startup.runtimeMs = ms;
  }).catch((cause: unknown) => {
    started = undefined;
    throw new Error(`onnxruntime-web failed to start: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  });
  return started;
}

async function start(): Promise<Ort> {
  const { env } = ortNamespace;
  env.wasm.numThreads = 1;
  env.wasm.simd = true;
  env.wasm.proxy = false;
  env.wasm.wasmBinary = SENTINEL.buffer;
  env.logLevel = "error";
  // ORT initialises its WebAssembly lazily, on the first session; a one-node model would do, but creating the
  // backend explicitly keeps start-up and model loading separately measurable.
  await withPrecompiledModule(ortWasm, () => initBackend());
  return ortNamespace;
}

async function initBackend(): Promise<void> {
  // ORT brings its WebAssembly up lazily, on the first session. Doing that here, with a one-node model, keeps the
  // shim's window short and makes runtime start and model loading two separately measurable steps.
  const session = await ortNamespace.InferenceSession.create(WARM_UP_MODEL);
  await session.release();
}
