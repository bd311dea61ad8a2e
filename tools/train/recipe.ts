/**
 * What a recipe is: a dataset, a tfjs model, the hyper-parameters that train it, and how the Worker serves it.
 * Each recipe is one file in recipes/, listed in recipes/index.ts.
 */
import type * as tf from "@tensorflow/tfjs";
import type { PredictInput } from "../../src/models/manifest.ts";
import type { Dataset, Split } from "./datasets/dataset.ts";

type WithoutTensor<T> = T extends unknown ? Omit<T, "tensor"> : never;

export interface Normalization {
  /** Subtracted from each raw input value, then divided by `std`: one value per item element, or one for all. */
  mean: Float32Array;
  std: Float32Array;
}

export interface Hyperparameters {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** The learning rate is multiplied by this after each epoch (1: constant). */
  learningRateDecay: number;
}

export interface LoadOptions {
  /** Train on a small subset (tests, smoke runs): the recipe keeps the first items of its seeded shuffle. */
  small: boolean;
}

export interface Recipe {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** The served model's description. */
  description: string;
  task: "classification" | "regression";
  /** Class names, in output order (classification). */
  labels?: readonly string[];
  defaults: Hyperparameters;
  /** How int8 weights are made: `dynamic` for MatMul-only models, `static` (QDQ, calibrated) for Conv models. */
  quantization: "dynamic" | "static";
  /** The task API's view of one input item (its `tensor` is filled in by the exporter). */
  predictInput: WithoutTensor<PredictInput>;
  load(seed: number, options: LoadOptions): Dataset;
  /** Computed from the training split only; baked into the exported graph so clients send raw values. */
  normalization(train: Split, itemShape: number[]): Normalization;
  /** The model, taking normalised items of the dataset's item shape; initialisers seeded from `seed`. */
  build(seed: number): tf.Sequential;
  /** Optional in-place augmentation of a normalised training batch (seeded by the caller's `random`). */
  augment?(x: Float32Array, n: number, random: () => number): void;
}

/** Per-column mean and standard deviation of the training split (tabular recipes). */
export function standardize(train: Split, columns: number): Normalization {
  const mean = new Float32Array(columns);
  const std = new Float32Array(columns);
  for (let c = 0; c < columns; c++) {
    let sum = 0;
    for (let i = 0; i < train.n; i++) sum += train.x[i * columns + c] ?? 0;
    const m = sum / train.n;
    let sq = 0;
    for (let i = 0; i < train.n; i++) sq += ((train.x[i * columns + c] ?? 0) - m) ** 2;
    mean[c] = m;
    std[c] = Math.sqrt(sq / train.n) || 1;
  }
  return { mean, std };
}
