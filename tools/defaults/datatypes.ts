/**
 * The `datatypes` model: one [batch, 2] input per OIP datatype ONNX Runtime computes on, each answered by a
 * simple exact op. It exists so clients (and our tests) can check their encoding of every datatype end to end.
 */
import type { Datatype } from "../../src/models/manifest.ts";
import { GraphBuilder, type TensorData, writeModel } from "../onnx/writer.ts";

interface Lane {
  datatype: Datatype;
  op: string;
  /** A second operand, when the op takes one. */
  operand?: TensorData;
  rule: string;
}

export const LANES: Lane[] = [
  { datatype: "FP32", op: "Mul", operand: Float32Array.of(2), rule: "y = 2x" },
  { datatype: "FP64", op: "Mul", operand: Float64Array.of(2), rule: "y = 2x" },
  { datatype: "INT64", op: "Add", operand: BigInt64Array.of(1n), rule: "y = x + 1" },
  { datatype: "INT32", op: "Add", operand: Int32Array.of(1), rule: "y = x + 1" },
  { datatype: "INT8", op: "Neg", rule: "y = -x" },
  { datatype: "UINT8", op: "Identity", rule: "y = x" },
  { datatype: "BOOL", op: "Not", rule: "y = !x" },
];

export function datatypesOnnx(): Uint8Array {
  const g = new GraphBuilder("datatypes");
  for (const lane of LANES) {
    const suffix = lane.datatype.toLowerCase();
    const x = g.input(`x_${suffix}`, lane.datatype, ["batch", 2]);
    g.output(`y_${suffix}`, lane.datatype, ["batch", 2]);
    const inputs = [x];
    if (lane.operand) inputs.push(g.initializer(`k_${suffix}`, lane.datatype, [], lane.operand));
    g.node(lane.op, inputs, { outputs: [`y_${suffix}`] });
  }
  return writeModel(g, { docString: "One exact op per datatype, for checking tensor encodings." });
}
