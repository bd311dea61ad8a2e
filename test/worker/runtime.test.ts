import { describe, expect, it } from "vitest";
import { ort, WARM_UP_MODEL } from "../../src/inference/runtime";

// Guards the one shim in src/inference/runtime.ts: ORT's wasm instantiated from wrangler's precompiled module.
describe("onnxruntime-web in workerd", () => {
  it("starts once and runs a real session", async () => {
    const runtime = await ort();
    expect(await ort()).toBe(runtime);
    const session = await runtime.InferenceSession.create(WARM_UP_MODEL);
    const out = await session.run({ x: new runtime.Tensor("float32", new Float32Array([3.5]), [1]) });
    expect(Array.from(out.y?.data as Float32Array)).toEqual([3.5]);
    await session.release();
  });

  it("puts WebAssembly.instantiate back once started", async () => {
    const before = WebAssembly.instantiate;
    await ort();
    expect(WebAssembly.instantiate).toBe(before);
    expect(WebAssembly.instantiate.name).toBe("instantiate");
  });

  it("runs single-threaded with SIMD", async () => {
    const { env } = await ort();
    expect(env.wasm.numThreads).toBe(1);
    expect(env.wasm.simd).toBe(true);
  });
});
