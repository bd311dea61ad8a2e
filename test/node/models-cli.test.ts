import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { add } from "../../tools/models.ts";
import { onnx } from "../../tools/onnx/proto.ts";

/**
 * A logistic-regression model written with onnx-proto directly, as another toolchain would: a Gemm with transB,
 * a dim named differently, IR version 7, and its initializers also listed as graph inputs (pre-IR-4 style).
 */
function foreignModel(): Uint8Array {
  const T = onnx.TensorProto.DataType;
  const weight = { name: "W", dims: [2, 3], dataType: T.FLOAT, floatData: [1, 0, -1, 0.5, 0.5, 0.5] };
  const bias = { name: "B", dims: [2], dataType: T.FLOAT, floatData: [0, 0.1] };
  const tensorType = (dims: (number | string)[]) => ({
    tensorType: {
      elemType: T.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "someone-else",
    opsetImport: [{ version: 12 }],
    graph: {
      name: "logreg",
      initializer: [weight, bias],
      input: [
        { name: "input", type: tensorType(["N", 3]) },
        { name: "W", type: tensorType([2, 3]) },
        { name: "B", type: tensorType([2]) },
      ],
      output: [{ name: "prob", type: tensorType(["N", 2]) }],
      node: [
        { opType: "Gemm", input: ["input", "W", "B"], output: ["z"], attribute: [{ name: "transB", type: 2, i: 1 }] },
        { opType: "Softmax", input: ["z"], output: ["prob"], attribute: [{ name: "axis", type: 2, i: 1 }] },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

const quiet = () => {};

describe("npm run models -- add", () => {
  it("reads a foreign model's inputs and outputs, writes its manifest and regenerates the index", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeinfer-models-"));
    const file = join(dir, "logreg.onnx");
    writeFileSync(file, foreignModel());
    const published = await add(file, { name: "logreg", labels: "no,yes" }, dir, quiet);
    const manifest = JSON.parse(readFileSync(join(dir, "logreg", "1", "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "logreg",
      version: "1",
      task: "classification",
      inputs: [{ name: "input", datatype: "FP32", shape: [-1, 3] }],
      outputs: [{ name: "prob", datatype: "FP32", shape: [-1, 2] }],
      labels: ["no", "yes"],
      maxBatchSize: 64,
      predict: { input: { kind: "tensor", tensor: "input" }, output: { kind: "scores", tensor: "prob" } },
      pricing: { perRequest: 10, perItem: 1, macsPerItem: 6 },
    });
    expect(published.served).toEqual(["logreg@1"]);
    expect(readFileSync(join(dir, "index.ts"), "utf8")).toContain('import model0 from "./logreg/1/model.onnx";');
  });

  it("numbers the next version and serves only the latest by default", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeinfer-models-"));
    const file = join(dir, "m.onnx");
    writeFileSync(file, foreignModel());
    await add(file, { name: "m" }, dir, quiet);
    const second = await add(file, { name: "m" }, dir, quiet);
    expect(second.manifest.version).toBe("2");
    expect(second.served).toEqual(["m@2"]);
  });

  it("refuses a file onnxruntime cannot load", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeinfer-models-"));
    const file = join(dir, "broken.onnx");
    writeFileSync(file, foreignModel().subarray(0, 40));
    await expect(add(file, { name: "broken" }, dir, quiet)).rejects.toThrow();
  });
});
