/**
 * Static int8 quantization in the QDQ format: calibrated activation ranges and per-channel int8 weights,
 * expressed as QuantizeLinear/DequantizeLinear pairs around the float ops, which onnxruntime folds into its int8
 * kernels (QLinearConv, QLinearMatMul) where it can and runs as dequantize + float op where it cannot.
 *
 * Quantized: Conv (weight [M, C, kh, kw] per output channel), MatMul (2-D weight per column) and Gemm (transA = 0,
 * per output column) whose weights are float initializers; their float inputs and outputs get uint8 QDQ pairs
 * with ranges measured on the calibration data (min/max, widened to include 0). A Conv or Gemm bias becomes
 * int32 with scale input_scale × weight_scale[c], as the int8 kernels expect. Graph outputs stay float, and
 * every other node is copied untouched. Needs opset ≥ 13 (per-axis DequantizeLinear).
 */
import type { onnx as Onnx } from "onnx-proto";
import { calibrate } from "./calibrate.ts";
import { onnx } from "./proto.ts";
import {
  dimsOf,
  FLOAT,
  floatAttribute,
  floatData,
  intAttribute,
  opsetOf,
  type QuantizeReport,
  quantizePerChannel,
  useCounts,
} from "./quantize-common.ts";
import type { Feed } from "./run.ts";
import { encodeModel, tensorProto } from "./writer.ts";

const QUANTIZABLE = new Set(["Conv", "MatMul", "Gemm"]);

interface Target {
  node: Onnx.INodeProto;
  weight: Onnx.ITensorProto;
  /** The weight's output-channel axis. */
  axis: number;
  bias?: Onnx.ITensorProto;
}

function target(node: Onnx.INodeProto, initializers: Map<string, Onnx.ITensorProto>): Target | string {
  const op = node.opType ?? "";
  const weight = initializers.get(node.input?.[1] ?? "");
  if (!weight) return "weight is not an initializer";
  if (weight.dataType !== FLOAT) return "weight is not float32";
  if (initializers.has(node.input?.[0] ?? "")) return "its input is a constant";
  const rank = weight.dims?.length ?? 0;
  if (op === "Conv" && rank < 3) return "Conv weight rank < 3";
  if (op !== "Conv" && rank !== 2) return "weight is not 2-D";
  if (op === "Gemm" && intAttribute(node, "transA", 0) !== 0) return "Gemm with transA = 1";
  const axis = op === "Conv" ? 0 : op === "Gemm" && intAttribute(node, "transB", 0) !== 0 ? 0 : 1;
  const biasName = op === "MatMul" ? undefined : node.input?.[2];
  const bias = biasName ? initializers.get(biasName) : undefined;
  const channels = dimsOf(weight)[axis];
  // A Gemm's C may broadcast in other ways (or be scaled by beta); only a per-channel vector becomes int32.
  const vectorBias =
    bias &&
    bias.dataType === FLOAT &&
    bias.dims?.length === 1 &&
    Number(bias.dims[0]) === channels &&
    (op === "Conv" || floatAttribute(node, "beta", 1) === 1);
  return { node, weight, axis, bias: vectorBias ? bias : undefined };
}

/** uint8 asymmetric quantization parameters covering [min, max] ∪ {0}. */
export function activationParams(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

export async function quantizeStatic(
  bytes: Uint8Array,
  calibration: Record<string, Feed>[],
): Promise<{ bytes: Uint8Array; report: QuantizeReport }> {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error("not an ONNX model: it has no graph");
  const opset = opsetOf(model);
  if (opset < 13)
    throw new Error(
      `static quantization needs opset ≥ 13 (per-channel DequantizeLinear); this model is opset ${opset}`,
    );
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const report: QuantizeReport = {
    scheme: "static",
    quantized: [],
    skipped: [],
    bytesBefore: bytes.length,
    bytesAfter: 0,
  };

  const targets: Target[] = [];
  for (const node of graph.node ?? []) {
    if (!QUANTIZABLE.has(node.opType ?? "")) continue;
    const t = target(node, initializers);
    if (typeof t === "string") report.skipped.push(`${node.name || node.opType}: ${t}`);
    else targets.push(t);
  }
  if (targets.length === 0) {
    throw new Error(
      `nothing to quantize statically: no Conv/MatMul/Gemm with a float initializer weight${report.skipped.length ? ` (skipped: ${report.skipped.join("; ")})` : ""}`,
    );
  }

  // Activations to quantize: every target's input and output, except graph outputs (they stay float).
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ""));
  const activations = [
    ...new Set(
      targets
        .flatMap((t) => [t.node.input?.[0] ?? "", t.node.output?.[0] ?? ""])
        .filter((n) => n && !graphOutputs.has(n)),
    ),
  ];
  const ranges = await calibrate(bytes, activations, calibration);
  const params = new Map(
    activations.map((name) => {
      const r = ranges.get(name) ?? { min: 0, max: 0 };
      return [name, activationParams(r.min, r.max)] as const;
    }),
  );

  const newInitializers: Onnx.ITensorProto[] = [];
  const qdq = (name: string, dequantized: string): Onnx.INodeProto[] => {
    const p = params.get(name) ?? { scale: 1, zeroPoint: 0 };
    newInitializers.push(
      tensorProto({ name: `${name}_scale`, datatype: "FP32", dims: [], data: Float32Array.of(p.scale) }),
      tensorProto({ name: `${name}_zero_point`, datatype: "UINT8", dims: [], data: Uint8Array.of(p.zeroPoint) }),
    );
    return [
      {
        opType: "QuantizeLinear",
        input: [name === dequantized ? `${name}_float` : name, `${name}_scale`, `${name}_zero_point`],
        output: [`${name}_q`],
        name: `${name}_quantize`,
      },
      {
        opType: "DequantizeLinear",
        input: [`${name}_q`, `${name}_scale`, `${name}_zero_point`],
        output: [dequantized],
        name: `${name}_dequantize`,
      },
    ];
  };

  const used = useCounts(graph);
  const dropped = new Set<string>();
  const byNode = new Map(targets.map((t) => [t.node, t]));
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name ?? ""));
  // A graph input has no producer to rename, so its consumers read `<input>_dq` instead.
  const inputAliases = new Map(activations.filter((a) => graphInputs.has(a)).map((a) => [a, `${a}_dq`]));
  const nodes: Onnx.INodeProto[] = [...inputAliases.entries()].flatMap(([name, alias]) => qdq(name, alias));

  for (const node of graph.node ?? []) {
    const activationIn = node.input?.[0] ?? "";
    node.input = (node.input ?? []).map((i) => inputAliases.get(i) ?? i);
    const t = byNode.get(node);
    if (t) {
      const weightName = t.weight.name ?? "";
      const dims = dimsOf(t.weight);
      const { q, scales } = quantizePerChannel(floatData(t.weight), dims, t.axis);
      newInitializers.push(
        tensorProto({ name: `${weightName}_quantized`, datatype: "INT8", dims, data: q }),
        tensorProto({ name: `${weightName}_scale`, datatype: "FP32", dims: [scales.length], data: scales }),
        tensorProto({
          name: `${weightName}_zero_point`,
          datatype: "INT8",
          dims: [scales.length],
          data: new Int8Array(scales.length),
        }),
      );
      nodes.push({
        opType: "DequantizeLinear",
        input: [`${weightName}_quantized`, `${weightName}_scale`, `${weightName}_zero_point`],
        output: [`${weightName}_dq`],
        name: `${weightName}_dequantize`,
        attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: t.axis }],
      });
      const inputs = [...(node.input ?? [])];
      inputs[1] = `${weightName}_dq`;
      used.set(weightName, (used.get(weightName) ?? 1) - 1);
      if (used.get(weightName) === 0) dropped.add(weightName);
      const inputScale = params.get(activationIn)?.scale;
      if (t.bias && inputScale !== undefined) {
        const biasName = t.bias.name ?? "";
        const b = floatData(t.bias);
        const biasScales = scales.map((s) => s * inputScale);
        newInitializers.push(
          tensorProto({
            name: `${biasName}_quantized`,
            datatype: "INT32",
            dims: [b.length],
            data: Int32Array.from(b, (v, c) => Math.round(v / (biasScales[c] ?? 1))),
          }),
          tensorProto({ name: `${biasName}_scale`, datatype: "FP32", dims: [b.length], data: biasScales }),
        );
        nodes.push({
          opType: "DequantizeLinear",
          input: [`${biasName}_quantized`, `${biasName}_scale`],
          output: [`${biasName}_dq`],
          name: `${biasName}_dequantize`,
          attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        });
        inputs[2] = `${biasName}_dq`;
        used.set(biasName, (used.get(biasName) ?? 1) - 1);
        if (used.get(biasName) === 0) dropped.add(biasName);
      }
      node.input = inputs;
      report.quantized.push(node.name || `${node.opType}(${weightName})`);
    }
    // Outputs that are quantized activations: the node now writes `<name>_float`, and the QDQ pair restores
    // `<name>`, so every consumer reads the quantized value without being rewritten.
    const quantizedOutputs = (node.output ?? []).filter((o) => params.has(o) && !graphInputs.has(o));
    node.output = (node.output ?? []).map((o) => (quantizedOutputs.includes(o) ? `${o}_float` : o));
    nodes.push(node, ...quantizedOutputs.flatMap((o) => qdq(o, o)));
  }

  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !dropped.has(t.name ?? "")), ...newInitializers];
  graph.input = (graph.input ?? []).filter((v) => !dropped.has(v.name ?? ""));
  const out = encodeModel(model);
  report.bytesAfter = out.length;
  return { bytes: out, report };
}
