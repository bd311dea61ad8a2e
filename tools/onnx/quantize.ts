/**
 * Dynamic int8 quantization of an ONNX model's MatMul weights.
 *
 * Each `MatMul(A, W)` whose W is a 2-D float initializer becomes the pattern onnxruntime fuses into
 * DynamicQuantizeMatMul:
 *
 *   DynamicQuantizeLinear(A) → (A_q: uint8, A_scale, A_zero)
 *   MatMulInteger(A_q, W_q: int8, A_zero) → int32
 *   Cast(float) · (A_scale · W_scale[column])
 *
 * W is quantized per output column (per channel), symmetrically: W_q = round(W / s), s = max|W[:,n]| / 127, so
 * its zero point is 0 and is left out. Every other node is copied untouched, and a model with no eligible
 * MatMul is refused rather than silently "quantized".
 */
import type { onnx as Onnx } from "onnx-proto";
import { onnx } from "./proto.ts";
import { encodeModel, tensorProto } from "./writer.ts";

export interface QuantizeReport {
  quantized: string[];
  skipped: string[];
  bytesBefore: number;
  bytesAfter: number;
}

function floatData(t: Onnx.ITensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData); // a fresh, aligned copy: protobufjs hands out views into a pool
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** Symmetric per-column int8 quantization of a row-major [K, N] matrix. */
export function quantizePerColumn(w: Float32Array, k: number, n: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(n);
  for (let col = 0; col < n; col++) {
    let max = 0;
    for (let row = 0; row < k; row++) max = Math.max(max, Math.abs(w[row * n + col] ?? 0));
    // An all-zero column would divide by zero; any positive scale represents it exactly.
    scales[col] = max > 0 ? max / 127 : 1;
  }
  const q = new Int8Array(k * n);
  for (let i = 0; i < q.length; i++) {
    const s = scales[i % n] ?? 1;
    q[i] = Math.max(-127, Math.min(127, Math.round((w[i] ?? 0) / s)));
  }
  return { q, scales };
}

export function quantizeDynamic(bytes: Uint8Array): { bytes: Uint8Array; report: QuantizeReport } {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error("not an ONNX model: it has no graph");
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const used = new Map<string, number>();
  for (const node of graph.node ?? [])
    for (const input of node.input ?? []) used.set(input, (used.get(input) ?? 0) + 1);

  const report: QuantizeReport = { quantized: [], skipped: [], bytesBefore: bytes.length, bytesAfter: 0 };
  const nodes: Onnx.INodeProto[] = [];
  const replaced = new Set<string>();
  for (const node of graph.node ?? []) {
    const weightName = node.input?.[1] ?? "";
    const weight = initializers.get(weightName);
    const eligible =
      node.opType === "MatMul" &&
      weight !== undefined &&
      weight.dataType === onnx.TensorProto.DataType.FLOAT &&
      weight.dims?.length === 2;
    if (!eligible) {
      if (node.opType === "MatMul") report.skipped.push(`${node.name}: weight is not a 2-D float initializer`);
      nodes.push(node);
      continue;
    }
    const [k, n] = (weight.dims ?? []).map(Number) as [number, number];
    const { q, scales } = quantizePerColumn(floatData(weight), k, n);
    const base = node.name || weightName;
    const a = node.input?.[0] ?? "";
    const y = node.output?.[0] ?? "";
    graph.initializer?.push(
      tensorProto({ name: `${weightName}_quantized`, datatype: "INT8", dims: [k, n], data: q }),
      tensorProto({ name: `${weightName}_scale`, datatype: "FP32", dims: [n], data: scales }),
    );
    nodes.push(
      {
        opType: "DynamicQuantizeLinear",
        input: [a],
        output: [`${base}_a_q`, `${base}_a_scale`, `${base}_a_zero`],
        name: `${base}_quant`,
      },
      {
        opType: "MatMulInteger",
        input: [`${base}_a_q`, `${weightName}_quantized`, `${base}_a_zero`],
        output: [`${base}_int32`],
        name: `${base}_matmul_int`,
      },
      {
        opType: "Cast",
        input: [`${base}_int32`],
        output: [`${base}_float`],
        name: `${base}_cast`,
        attribute: [{ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }],
      },
      {
        opType: "Mul",
        input: [`${base}_a_scale`, `${weightName}_scale`],
        output: [`${base}_scale`],
        name: `${base}_scale_mul`,
      },
      { opType: "Mul", input: [`${base}_float`, `${base}_scale`], output: [y], name: `${base}_rescale` },
    );
    // The float weight goes only when nothing else reads it (weights shared between nodes stay).
    used.set(weightName, (used.get(weightName) ?? 1) - 1);
    if (used.get(weightName) === 0) replaced.add(weightName);
    report.quantized.push(node.name || weightName);
  }
  if (report.quantized.length === 0) {
    throw new Error(
      `nothing to quantize: no MatMul with a 2-D float initializer weight (${report.skipped.length} skipped)`,
    );
  }
  graph.node = nodes;
  graph.initializer = (graph.initializer ?? []).filter((t) => !replaced.has(t.name ?? ""));
  graph.input = (graph.input ?? []).filter((v) => !replaced.has(v.name ?? ""));
  const out = encodeModel(model);
  report.bytesAfter = out.length;
  return { bytes: out, report };
}
