import { describe, expect, it } from "vitest";
import { WARM_UP_MODEL } from "../../src/inference/warm-up-model.ts";
import { inspectModel } from "../../tools/onnx/inspect.ts";
import { loadModel } from "../../tools/onnx/run.ts";
import { decodeModel, GraphBuilder, writeModel } from "../../tools/onnx/writer.ts";

describe("ONNX writer", () => {
  it("round-trips a graph: what it writes decodes to the same inputs, outputs, nodes and weights", () => {
    const g = new GraphBuilder("roundtrip");
    const x = g.input("x", "FP32", ["batch", 3]);
    g.output("y", "FP32", ["batch", 2]);
    const w = g.initializer("w", "FP32", [3, 2], Float32Array.of(1, 2, 3, 4, 5, 6));
    g.node("MatMul", [x, w], { outputs: ["y"] });
    const model = decodeModel(writeModel(g));
    expect(Number(model.irVersion)).toBe(8);
    expect(Number(model.opsetImport[0]?.version)).toBe(13);
    expect(model.graph?.node?.map((n) => n.opType)).toEqual(["MatMul"]);
    const raw = model.graph?.initializer?.[0]?.rawData ?? new Uint8Array();
    expect(Array.from(new Float32Array(new Uint8Array(raw).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(inspectModel(writeModel(g))).toEqual({
      inputs: [{ name: "x", datatype: "FP32", shape: [-1, 3] }],
      outputs: [{ name: "y", datatype: "FP32", shape: [-1, 2] }],
      opset: 13,
      macsPerItem: 6,
    });
  });

  it("writes models onnxruntime-web runs, with the numbers the graph says", async () => {
    const g = new GraphBuilder("affine");
    const x = g.input("x", "FP32", ["batch", 2]);
    g.output("y", "FP32", ["batch", 1]);
    const w = g.initializer("w", "FP32", [2, 1], Float32Array.of(2, -1));
    const b = g.initializer("b", "FP32", [1], Float32Array.of(0.5));
    const [h] = g.node("MatMul", [x, w]);
    g.node("Add", [h as string, b], { outputs: ["y"] });
    const model = await loadModel(writeModel(g));
    const out = await model.run({ x: { datatype: "FP32", shape: [2, 2], data: [1, 1, 3, 2] } });
    expect(out.y).toEqual({ dims: [2, 1], data: [1.5, 4.5] });
  });

  it("produces the Worker's embedded warm-up model byte for byte", () => {
    const g = new GraphBuilder("t");
    g.input("x", "FP32", [1]);
    g.output("y", "FP32", [1]);
    g.node("Identity", ["x"], { outputs: ["y"] });
    expect(Array.from(writeModel(g, { producer: "" }))).toEqual(Array.from(WARM_UP_MODEL));
  });

  it("refuses a tensor whose data does not fill its dims", () => {
    const g = new GraphBuilder("bad");
    g.initializer("w", "FP32", [2, 2], Float32Array.of(1, 2, 3));
    expect(() => g.toGraph()).toThrow(/dims \[2,2\] hold 4 elements, data has 3/);
  });
});
