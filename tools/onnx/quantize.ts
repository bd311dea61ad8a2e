/**
 * Dynamic int8 quantization of an ONNX model's MatMul and Gemm weights.
 *
 * Each `MatMul(A, W)` (and `Gemm(A, B, C)` with transA = 0) whose weight is a 2-D float initializer becomes the
 * pattern onnxruntime fuses into DynamicQuantizeMatMul:
 *
 *   DynamicQuantizeLinear(A) → (A_q: uint8, A_scale, A_zero)
 *   MatMulInteger(A_q, W_q: int8, A_zero) → int32
 *   Cast(float) · (A_scale · W_scale[column])          (Gemm: alpha folded into W_scale, then + beta·C)
 *
 * W is quantized per output column (per channel), symmetrically: W_q = round(W / s), s = max|W[:,n]| / 127, so
 * its zero point is 0 and is left out. A Gemm with transB = 1 has its weight transposed once, here. Every other
 * node (Conv included: see quantize-static.ts) is copied untouched, and a model with no eligible weight is refused
 * rather than silently "quantized".
 */
import type { onnx as Onnx } from "onnx-proto";
import { onnx } from "./proto.ts";
import {
  dimsOf,
  FLOAT,
  floatAttribute,
  floatData,
  intAttribute,
  type QuantizeReport,
  quantizePerColumn,
  transpose,
  useCounts,
} from "./quantize-common.ts";
import { encodeModel, tensorProto } from "./writer.ts";

export { type QuantizeReport, quantizePerColumn } from "./quantize-common.ts";

const T = onnx.AttributeProto.AttributeType;

/** Why a MatMul/Gemm cannot take the dynamic pattern, or undefined when it can. */
function ineligible(node: Onnx.INodeProto, weight: Onnx.ITensorProto | undefined): string | undefined {
  if (!weight) return "weight is not an initializer";
  if (weight.dataType !== FLOAT) return "weight is not float32";
  if (weight.dims?.length !== 2) return "weight is not 2-D";
  if (node.opType === "Gemm" && intAttribute(node, "transA", 0) !== 0) return "Gemm with transA = 1";
  return undefined;
}

export function quantizeDynamic(bytes: Uint8Array): { bytes: Uint8Array; report: QuantizeReport } {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error("not an ONNX model: it has no graph");
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const used = useCounts(graph);

  const report: QuantizeReport = {
    scheme: "dynamic",
    quantized: [],
    skipped: [],
    bytesBefore: bytes.length,
    bytesAfter: 0,
  };
  const nodes: Onnx.INodeProto[] = [];
  const replaced = new Set<string>();
  for (const node of graph.node ?? []) {
    const op = node.opType ?? "";
    if (op === "Conv") report.skipped.push(`${node.name || op}: Conv weights need --scheme static`);
    if (op !== "MatMul" && op !== "Gemm") {
      nodes.push(node);
      continue;
    }
    const weightName = node.input?.[1] ?? "";
    const weight = initializers.get(weightName);
    const why = ineligible(node, weight);
    if (why || !weight) {
      report.skipped.push(`${node.name || op}: ${why}`);
      nodes.push(node);
      continue;
    }
    const gemm = op === "Gemm";
    const transB = gemm && intAttribute(node, "transB", 0) !== 0;
    const [rows, cols] = dimsOf(weight) as [number, number];
    // MatMulInteger wants the weight as [K, N]; a transposed Gemm weight is [N, K].
    const [k, n] = transB ? [cols, rows] : [rows, cols];
    const w = transB ? transpose(floatData(weight), rows, cols) : floatData(weight);
    const { q, scales } = quantizePerColumn(w, k, n);
    const alpha = gemm ? floatAttribute(node, "alpha", 1) : 1;
    const base = node.name || weightName;
    const a = node.input?.[0] ?? "";
    const y = node.output?.[0] ?? "";
    const bias = gemm ? (node.input?.[2] ?? "") : "";
    const beta = gemm ? floatAttribute(node, "beta", 1) : 1;
    graph.initializer?.push(
      tensorProto({ name: `${weightName}_quantized`, datatype: "INT8", dims: [k, n], data: q }),
      tensorProto({ name: `${weightName}_scale`, datatype: "FP32", dims: [n], data: scales.map((s) => s * alpha) }),
    );
    const product = bias ? `${base}_product` : y;
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
        attribute: [{ name: "to", type: T.INT, i: FLOAT }],
      },
      {
        opType: "Mul",
        input: [`${base}_a_scale`, `${weightName}_scale`],
        output: [`${base}_scale`],
        name: `${base}_scale_mul`,
      },
      { opType: "Mul", input: [`${base}_float`, `${base}_scale`], output: [product], name: `${base}_rescale` },
    );
    if (bias) {
      let c = bias;
      if (beta !== 1) {
        graph.initializer?.push(
          tensorProto({ name: `${base}_beta`, datatype: "FP32", dims: [], data: Float32Array.of(beta) }),
        );
        nodes.push({ opType: "Mul", input: [bias, `${base}_beta`], output: [`${base}_c`], name: `${base}_beta_mul` });
        c = `${base}_c`;
      }
      nodes.push({ opType: "Add", input: [product, c], output: [y], name: `${base}_bias` });
    }
    // The float weight goes only when nothing else reads it (weights shared between nodes stay).
    used.set(weightName, (used.get(weightName) ?? 1) - 1);
    if (used.get(weightName) === 0) replaced.add(weightName);
    report.quantized.push(node.name || weightName);
  }
  if (report.quantized.length === 0) {
    throw new Error(
      `nothing to quantize dynamically: no MatMul/Gemm with a 2-D float initializer weight${report.skipped.length ? ` (skipped: ${report.skipped.join("; ")})` : ""}`,
    );
  }
  graph.node = nodes;
  graph.initializer = (graph.initializer ?? []).filter((t) => !replaced.has(t.name ?? ""));
  graph.input = (graph.input ?? []).filter((v) => !replaced.has(v.name ?? ""));
  const out = encodeModel(model);
  report.bytesAfter = out.length;
  return { bytes: out, report };
}
