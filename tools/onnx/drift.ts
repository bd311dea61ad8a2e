/** How far a quantized model's outputs move from its float source's, on the same inputs (onnxruntime-web). */

import { gaussian, seededRandom } from "../defaults/random.ts";
import { inspectModel } from "./inspect.ts";
import { type Feed, loadModel } from "./run.ts";

export interface OutputDrift {
  output: string;
  /** Largest |fp32 − int8| over every output value. */
  maxAbs: number;
  /** Mean |fp32 − int8|. */
  meanAbs: number;
  /** maxAbs relative to the largest |fp32| output value. */
  relative: number;
}

export async function outputDrift(
  fp32: Uint8Array,
  int8: Uint8Array,
  feeds: Record<string, Feed>[],
): Promise<OutputDrift[]> {
  const [a, b] = await Promise.all([loadModel(fp32), loadModel(int8)]);
  const stats = new Map<string, { max: number; sum: number; count: number; scale: number }>();
  try {
    for (const feed of feeds) {
      const [ra, rb] = [await a.run(feed), await b.run(feed)];
      for (const [name, out] of Object.entries(ra)) {
        const other = rb[name]?.data ?? [];
        const s = stats.get(name) ?? { max: 0, sum: 0, count: 0, scale: 0 };
        out.data.forEach((v, i) => {
          const d = Math.abs(v - (other[i] ?? Number.NaN));
          s.max = Math.max(s.max, d);
          s.sum += d;
          s.scale = Math.max(s.scale, Math.abs(v));
        });
        s.count += out.data.length;
        stats.set(name, s);
      }
    }
  } finally {
    await Promise.all([a.release(), b.release()]);
  }
  return [...stats.entries()].map(([output, s]) => ({
    output,
    maxAbs: s.max,
    meanAbs: s.sum / Math.max(1, s.count),
    relative: s.scale > 0 ? s.max / s.scale : s.max,
  }));
}

/**
 * Seeded standard-normal inputs for a model's float inputs (dynamic dimensions set to `batch`): a drift check when
 * no calibration data is given. Returns undefined when an input is not FP32 (nothing sensible to invent).
 */
export function syntheticFeeds(
  bytes: Uint8Array,
  batches = 4,
  batch = 8,
  seed = 1,
): Record<string, Feed>[] | undefined {
  const { inputs } = inspectModel(bytes);
  if (inputs.some((i) => i.datatype !== "FP32")) return undefined;
  const normal = gaussian(seededRandom(seed));
  return Array.from({ length: batches }, () =>
    Object.fromEntries(
      inputs.map((i) => {
        const shape = i.shape.map((d) => (d < 0 ? batch : d));
        const size = shape.reduce((x, y) => x * y, 1);
        return [i.name, { datatype: "FP32", shape, data: Float32Array.from({ length: size }, normal) } satisfies Feed];
      }),
    ),
  );
}
