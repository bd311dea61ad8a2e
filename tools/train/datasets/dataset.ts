/** What a recipe's loader returns: raw (unnormalised) inputs, split by the recipe's seed. */
import { seededRandom, shuffledIndices } from "../../defaults/random.ts";

export interface Split {
  /** Row-major raw inputs, `n` items of `itemShape` each. */
  x: Float32Array;
  /** One value per item: a class index (classification) or the target (regression). */
  y: Float32Array;
  n: number;
}

export interface Dataset {
  /** For the manifest: where the data came from and how it was split. */
  description: string;
  /** The shape of one raw input item, e.g. [28, 28] or [4]. */
  itemShape: number[];
  train: Split;
  test: Split;
  /** Items dropped while loading (e.g. rows with missing values), with why, for the report. */
  dropped?: { count: number; reason: string };
}

export const itemSize = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Takes the items at `ids` out of row-major `x` / `y`. */
export function pick(x: Float32Array, y: Float32Array, size: number, ids: number[]): Split {
  const out = new Float32Array(ids.length * size);
  ids.forEach((id, row) => {
    out.set(x.subarray(id * size, (id + 1) * size), row * size);
  });
  return { x: out, y: Float32Array.from(ids, (id) => y[id] ?? 0), n: ids.length };
}

/**
 * A seeded split: `testFraction` of the items, chosen by a seeded shuffle, are held out. `limit` keeps only the
 * first `limit` shuffled items (tests train on small data), applied before the split so both sides shrink.
 */
export function seededSplit(
  x: Float32Array,
  y: Float32Array,
  size: number,
  seed: number,
  testFraction: number,
  limit?: number,
): { train: Split; test: Split } {
  const n = y.length;
  const order = shuffledIndices(n, seededRandom(seed)).slice(0, limit ?? n);
  const nTest = Math.round(order.length * testFraction);
  return { test: pick(x, y, size, order.slice(0, nTest)), train: pick(x, y, size, order.slice(nTest)) };
}
