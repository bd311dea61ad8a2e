/** What the dynamic and static quantizers share: reading float weights and symmetric per-channel int8. */
import type { onnx as Onnx } from "onnx-proto";
import { onnx } from "./proto.ts";

export interface QuantizeReport {
  scheme: "dynamic" | "static";
  /** Nodes whose weights are now int8, by name (or weight name). */
  quantized: string[];
  /** Weighted nodes left in float, each with why. */
  skipped: string[];
  bytesBefore: number;
  bytesAfter: number;
}

export const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** A float initializer's values, whether stored as raw_data or float_data. */
export function floatData(t: Onnx.ITensorProto): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData); // a fresh, aligned copy: protobufjs hands out views into a pool
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

export const dimsOf = (t: Onnx.ITensorProto): number[] => (t.dims ?? []).map(Number);

/**
 * Symmetric per-channel int8 quantization of a row-major tensor along `axis`: q = round(w / s[c]) with
 * s[c] = max|w[.., c, ..]| / 127, so every channel's zero point is 0.
 */
export function quantizePerChannel(
  w: Float32Array,
  dims: number[],
  axis: number,
): { q: Int8Array; scales: Float32Array } {
  const channels = dims[axis] ?? 1;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const max = new Float32Array(channels);
  for (let i = 0; i < w.length; i++) {
    const c = channelOf(i);
    max[c] = Math.max(max[c] ?? 0, Math.abs(w[i] ?? 0));
  }
  // An all-zero channel would divide by zero; any positive scale represents it exactly.
  const scales = max.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    q[i] = Math.max(-127, Math.min(127, Math.round((w[i] ?? 0) / (scales[channelOf(i)] ?? 1))));
  }
  return { q, scales };
}

/** Symmetric per-column int8 quantization of a row-major [K, N] matrix (per-channel along axis 1). */
export function quantizePerColumn(w: Float32Array, k: number, n: number): { q: Int8Array; scales: Float32Array } {
  return quantizePerChannel(w, [k, n], 1);
}

/** Transposes a row-major [rows, cols] matrix. */
export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c] ?? 0;
  return out;
}

/** How many node inputs read each value: a weight may be dropped only when nothing else reads it. */
export function useCounts(graph: Onnx.IGraphProto): Map<string, number> {
  const used = new Map<string, number>();
  for (const node of graph.node ?? [])
    for (const input of node.input ?? []) used.set(input, (used.get(input) ?? 0) + 1);
  for (const output of graph.output ?? []) used.set(output.name ?? "", (used.get(output.name ?? "") ?? 0) + 1);
  return used;
}

export function attributeOf(node: Onnx.INodeProto, name: string): Onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export const intAttribute = (node: Onnx.INodeProto, name: string, fallback: number): number => {
  const a = attributeOf(node, name);
  return a?.i === undefined || a.i === null ? fallback : Number(a.i);
};

export const floatAttribute = (node: Onnx.INodeProto, name: string, fallback: number): number => {
  const a = attributeOf(node, name);
  return a?.f === undefined || a.f === null ? fallback : a.f;
};

export function opsetOf(model: Onnx.IModelProto): number {
  return Number(model.opsetImport?.find((o) => !o.domain || o.domain === "ai.onnx")?.version ?? 0);
}
