/**
 * The training loop: seeded shuffling and augmentation, one `trainOnBatch` per batch, and a held-out evaluation
 * after each epoch. tfjs's own `fit` shuffles with Math.random, so the loop owns the order to make runs repeatable.
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom, shuffledIndices } from "../defaults/random.ts";
import { type Dataset, itemSize, pick } from "./datasets/dataset.ts";
import type { Hyperparameters, Normalization, Recipe } from "./recipe.ts";

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Held-out metric after the epoch: accuracy (classification) or MSE (regression). */
  testMetric: number;
  seconds: number;
}

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  /** Seconds since training started. */
  elapsed: number;
}

export interface Trained {
  model: tf.Sequential;
  data: Dataset;
  normalization: Normalization;
  history: EpochRecord[];
  hyper: Hyperparameters;
  seconds: number;
}

export const metricName = (recipe: Recipe): "accuracy" | "mse" =>
  recipe.task === "classification" ? "accuracy" : "mse";

export function normalize(x: Float32Array, norm: Normalization): Float32Array {
  const out = new Float32Array(x.length);
  const m = norm.mean.length;
  const s = norm.std.length;
  for (let i = 0; i < x.length; i++) out[i] = ((x[i] ?? 0) - (norm.mean[i % m] ?? 0)) / (norm.std[i % s] ?? 1);
  return out;
}

/** Accuracy of class scores, or MSE of predictions, against `y`. */
export function score(task: Recipe["task"], predictions: Float32Array, y: Float32Array): number {
  if (task === "regression") {
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += ((predictions[i] ?? 0) - (y[i] ?? 0)) ** 2;
    return sum / y.length;
  }
  const classes = predictions.length / y.length;
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    const row = predictions.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let k = 1; k < classes; k++) if ((row[k] ?? 0) > (row[best] ?? 0)) best = k;
    if (best === y[i]) correct++;
  }
  return correct / y.length;
}

/** Runs the tfjs model on already-normalised items in chunks and returns its outputs, row-major. */
export async function predictTf(
  model: tf.Sequential,
  x: Float32Array,
  itemShape: number[],
  chunk = 512,
): Promise<Float32Array> {
  const size = itemSize(itemShape);
  const n = x.length / size;
  const parts: Float32Array[] = [];
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const out = tf.tidy(() => {
      const input = tf.tensor(x.subarray(start * size, (start + count) * size), [count, ...itemShape]);
      return model.predict(input) as tf.Tensor;
    });
    parts.push((await out.data()) as Float32Array);
    out.dispose();
  }
  const total = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    total.set(p, offset);
    offset += p.length;
  }
  return total;
}

/**
 * tfjs optimizers have no public learning-rate setter (no schedules in tfjs-layers), but Adam reads its
 * `learningRate` field at every step, so an epoch-wise decay sets that field and keeps the moment estimates that a
 * new optimizer would lose.
 */
function setLearningRate(optimizer: tf.AdamOptimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

export async function train(
  recipe: Recipe,
  options: {
    seed: number;
    hyper: Hyperparameters;
    small: boolean;
    onBatch?: (p: BatchProgress) => void;
    onEpoch?: (r: EpochRecord) => void;
  },
): Promise<Trained> {
  const { seed, hyper } = options;
  const data = recipe.load(seed, { small: options.small });
  const normalization = recipe.normalization(data.train, data.itemShape);
  const xTrain = normalize(data.train.x, normalization);
  const xTest = normalize(data.test.x, normalization);
  const classes = recipe.labels?.length ?? 1;

  const model = recipe.build(seed);
  const optimizer = tf.train.adam(hyper.learningRate);
  model.compile({
    optimizer,
    loss: recipe.task === "classification" ? "categoricalCrossentropy" : "meanSquaredError",
  });

  const random = seededRandom(seed + 17);
  const history: EpochRecord[] = [];
  const started = performance.now();
  const batches = Math.ceil(data.train.n / hyper.batchSize);
  for (let epoch = 1; epoch <= hyper.epochs; epoch++) {
    const epochStart = performance.now();
    setLearningRate(optimizer, hyper.learningRate * hyper.learningRateDecay ** (epoch - 1));
    const order = shuffledIndices(data.train.n, random);
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const ids = order.slice(b * hyper.batchSize, (b + 1) * hyper.batchSize);
      const { x: xb, y: yb } = pick(xTrain, data.train.y, itemSize(data.itemShape), ids);
      recipe.augment?.(xb, ids.length, random);
      const xs = tf.tensor(xb, [ids.length, ...data.itemShape]);
      const ys =
        recipe.task === "classification"
          ? tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(yb), "int32"), classes).toFloat())
          : tf.tensor2d(yb, [ids.length, 1]);
      const loss = (await model.trainOnBatch(xs, ys)) as number;
      xs.dispose();
      ys.dispose();
      lossSum += loss;
      options.onBatch?.({
        epoch,
        epochs: hyper.epochs,
        batch: b + 1,
        batches,
        loss: lossSum / (b + 1),
        elapsed: (performance.now() - started) / 1000,
      });
    }
    const predictions = await predictTf(model, xTest, data.itemShape);
    const record: EpochRecord = {
      epoch,
      loss: lossSum / batches,
      testMetric: score(recipe.task, predictions, data.test.y),
      seconds: (performance.now() - epochStart) / 1000,
    };
    history.push(record);
    options.onEpoch?.(record);
  }
  return { model, data, normalization, history, hyper, seconds: (performance.now() - started) / 1000 };
}
