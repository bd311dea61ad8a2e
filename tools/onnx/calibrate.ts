/**
 * Calibration for static quantization: the range (min, max) each named float tensor takes over calibration
 * inputs, measured by running the fp32 model with onnxruntime-web (the Worker's runtime) with those tensors added
 * as graph outputs.
 */
import { onnx } from "./proto.ts";
import { type Feed, loadModel } from "./run.ts";
import { encodeModel } from "./writer.ts";

export type Ranges = Map<string, { min: number; max: number }>;

export async function calibrate(bytes: Uint8Array, tensors: string[], feeds: Record<string, Feed>[]): Promise<Ranges> {
  if (feeds.length === 0) throw new Error("calibration needs at least one batch of inputs");
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error("not an ONNX model: it has no graph");
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  for (const name of tensors) {
    if (!existing.has(name))
      graph.output?.push({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
  }
  const session = await loadModel(encodeModel(model));
  const ranges: Ranges = new Map();
  try {
    for (const feed of feeds) {
      const outputs = await session.run(feed);
      for (const name of tensors) {
        const data = outputs[name]?.data ?? [];
        let { min, max } = ranges.get(name) ?? { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
        for (const v of data) {
          if (v < min) min = v;
          if (v > max) max = v;
        }
        ranges.set(name, { min, max });
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}
