/**
 * Reads what a server needs to know from an ONNX file: its inputs and outputs (name, OIP datatype, shape with -1
 * for dynamic dimensions), as Triton auto-completes an ONNX model's config, and a multiply-accumulate estimate for
 * pricing.
 */
import type { onnx as Onnx } from "onnx-proto";
import type { Datatype, TensorSpec } from "../../src/models/manifest.ts";
import { oipDatatypeOf, onnx } from "./proto.ts";

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  opset: number;
  /** Multiply-accumulates per batch item of MatMul, Gemm and Conv nodes with constant weights (see macsPerItem). */
  macsPerItem: number;
}

/** protobufjs hands int64 fields back as numbers or Long objects. */
function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

function spec(v: Onnx.IValueInfoProto, where: string): TensorSpec {
  const tensorType = v.type?.tensorType;
  if (!tensorType) throw new Error(`${where} '${v.name}' is not a tensor (sequences and maps are not served)`);
  const datatype: Datatype | undefined = oipDatatypeOf(tensorType.elemType ?? 0);
  if (!datatype) {
    throw new Error(`${where} '${v.name}': ONNX element type ${tensorType.elemType} has no served OIP datatype`);
  }
  const dims = tensorType.shape?.dim ?? [];
  const shape = dims.map((d) =>
    d.dimValue !== null && d.dimValue !== undefined && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : -1,
  );
  return { name: v.name ?? "", datatype, shape };
}

/**
 * Multiply-accumulates per item, counted for the nodes whose cost a static look can know: MatMul/Gemm with an
 * initializer weight (K×N each) and Conv with an initializer kernel (kernel elements × output positions, which
 * needs the output's spatial size: without shape inference it counts one position, so it is a lower bound for
 * convolutional models, and `models add` says so).
 */
const WEIGHTED_OPS = new Set(["MatMul", "MatMulInteger", "Gemm", "Conv"]);

function macsPerItem(graph: Onnx.IGraphProto): number {
  const weights = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", (t.dims ?? []).map(toNumber)]));
  let macs = 0;
  for (const node of graph.node ?? []) {
    const w = weights.get(node.input?.[1] ?? "");
    if (!w) continue;
    if (WEIGHTED_OPS.has(node.opType ?? "")) macs += w.reduce((a, b) => a * b, 1);
  }
  return macs;
}

export function inspectModel(bytes: Uint8Array): ModelSignature {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error("not an ONNX model: it has no graph");
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  // Before IR version 4, initializers were also listed as graph inputs; they are not inputs a client sends.
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name)).map((v) => spec(v, "input"));
  const outputs = (graph.output ?? []).map((v) => spec(v, "output"));
  const opset = toNumber(model.opsetImport?.find((o) => !o.domain)?.version);
  return { inputs, outputs, opset, macsPerItem: macsPerItem(graph) };
}
