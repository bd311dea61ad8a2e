/**
 * Held-out evaluation of exported models with onnxruntime-web in Node, the runtime the Worker serves them with,
 * so the published metrics are the served model's.
 */
import { loadModel } from "../onnx/run.ts";
import { itemSize, type Split } from "./datasets/dataset.ts";
import type { Recipe } from "./recipe.ts";
import { score } from "./train.ts";

export interface Evaluation {
  /** Outputs for every item of the split, row-major. */
  predictions: Float32Array;
  /** Accuracy (classification) or MSE (regression). */
  metric: number;
}

/** Runs the model on `split` in batches of `batch` items (the Worker's default maximum batch). */
export async function evaluateOnnx(
  bytes: Uint8Array,
  recipe: Recipe,
  split: Split,
  itemShape: number[],
  io: { input: string; output: string },
  batch = 64,
): Promise<Evaluation> {
  const model = await loadModel(bytes);
  const size = itemSize(itemShape);
  const parts: number[][] = [];
  try {
    for (let start = 0; start < split.n; start += batch) {
      const count = Math.min(batch, split.n - start);
      const out = await model.run({
        [io.input]: {
          datatype: "FP32",
          shape: [count, ...itemShape],
          data: split.x.subarray(start * size, (start + count) * size),
        },
      });
      parts.push(out[io.output]?.data ?? []);
    }
  } finally {
    await model.release();
  }
  const predictions = Float32Array.from(parts.flat());
  return { predictions, metric: score(recipe.task, predictions, split.y) };
}

/** MSE of always predicting the training mean: the yardstick a regressor's MSE is reported against. */
export function meanBaselineMse(train: Split, test: Split): number {
  const mean = train.y.reduce((a, b) => a + b, 0) / train.n;
  return test.y.reduce((a, y) => a + (y - mean) ** 2, 0) / test.n;
}

/** Largest |a - b| over two equally long outputs. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`outputs differ in length: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

/**
 * Largest difference between two outputs, relative to the reference where it exceeds 1: float32 carries ~7
 * significant digits, so two correct computations of a value near 15 may differ by 1e-6 × 15 in summation order
 * alone. Below 1 in magnitude this is the absolute difference.
 */
export function maxScaledDiff(reference: Float32Array, actual: Float32Array): number {
  if (reference.length !== actual.length)
    throw new Error(`outputs differ in length: ${reference.length} vs ${actual.length}`);
  let max = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] ?? 0;
    max = Math.max(max, Math.abs(r - (actual[i] ?? 0)) / Math.max(1, Math.abs(r)));
  }
  return max;
}
