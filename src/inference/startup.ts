/**
 * Start-up timings of this isolate, for the local bench route. In production Workers the clock does not advance
 * during CPU work, so these read ~0 there; under `wrangler dev` and Miniflare they are real.
 */
export const startup: {
  runtimeMs?: number;
  instantiateMs?: number;
  sessionMs: Record<string, number>;
  /** ORT's WebAssembly memory (its whole C++ heap: sessions, weights, arenas). */
  wasmMemory?: WebAssembly.Memory | undefined;
} = { sessionMs: {} };

export async function timed<T>(work: () => Promise<T>, record: (ms: number) => void): Promise<T> {
  const t0 = performance.now();
  const result = await work();
  record(performance.now() - t0);
  return result;
}
