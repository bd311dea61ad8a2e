import { describe, expect, it } from "vitest";
import { ort, WARM_UP_MODEL } from "../../src/inference/runtime";

describe("onnxruntime-web in workerd", () => {
  it("starts and runs a session", async () => {
    const o = await ort();
    const s = await o.InferenceSession.create(WARM_UP_MODEL);
    const out = await s.run({ x: new o.Tensor("float32", new Float32Array([3.5]), [1]) });
    expect(Array.from(out.y?.data as Float32Array)).toEqual([3.5]);
  });
});
