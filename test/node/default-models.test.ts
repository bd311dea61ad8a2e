import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/models/manifest.ts";
import { datatypesOnnx } from "../../tools/defaults/datatypes.ts";
import { forward, irisOnnx, loadIris, trainIris } from "../../tools/defaults/iris.ts";
import { quantizeDynamic } from "../../tools/onnx/quantize.ts";
import { loadModel } from "../../tools/onnx/run.ts";
import { MODELS_DIR, sha256 } from "../../tools/repository/files.ts";
import { loadRepository, renderIndex } from "../../tools/repository/index-file.ts";
import golden from "../fixtures/golden.json" with { type: "json" };
import { maxAbsDiff } from "../tolerance.ts";

const manifest = (name: string) =>
  parseManifest(JSON.parse(readFileSync(join(MODELS_DIR, name, "1", "manifest.json"), "utf8")));

describe("default models", () => {
  it("are reproducible: the script's seeded build gives the committed files, byte for byte", () => {
    const data = loadIris(7);
    const fp32 = irisOnnx(trainIris(data, 7));
    expect(sha256(fp32)).toBe(manifest("iris").file.sha256);
    expect(sha256(quantizeDynamic(fp32).bytes)).toBe(manifest("iris-int8").file.sha256);
    expect(sha256(datatypesOnnx())).toBe(manifest("datatypes").file.sha256);
  });

  it.each(["iris", "iris-int8"] as const)("%s: onnxruntime-web in Node reproduces the golden outputs", async (name) => {
    const model = await loadModel(new Uint8Array(readFileSync(join(MODELS_DIR, name, "1", "model.onnx"))));
    const out = await model.run({
      features: { datatype: "FP32", shape: [golden.input.length, 4], data: golden.input.flat() },
    });
    const expected = golden[name].flat();
    expect(maxAbsDiff(out.probabilities?.data ?? [], expected)).toBeLessThan(1e-6);
  });

  it("iris fp32 agrees with the float64 reference forward pass within 1e-5", () => {
    const weights = trainIris(loadIris(7), 7);
    const reference = golden.input.flatMap((row) => forward(weights, row));
    expect(maxAbsDiff(reference, golden.iris.flat())).toBeLessThan(1e-5);
  });

  it("models/index.ts is what the generator makes from models/ (never hand-edited)", () => {
    expect(readFileSync(join(MODELS_DIR, "index.ts"), "utf8")).toBe(renderIndex(loadRepository()));
  });
});
