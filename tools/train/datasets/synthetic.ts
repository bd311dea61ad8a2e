/**
 * Seeded synthetic regression data for the reference MLP: Friedman's classic benchmark function observed through
 * 1,000 noisy dimensions.
 *
 *   z ~ U[0, 1]^5,   y = 10·sin(π·z1·z2) + 20·(z3 − 0.5)² + 10·z4 + 5·z5 + ε,   ε ~ N(0, 0.5²)
 *   x = Q·(z − 0.5)·√12 + 0.01·η,   η ~ N(0, I₁₀₀₀)
 *
 * Q is a fixed random 1000×5 matrix with orthonormal columns (from the seed), so each latent factor is spread
 * over every input and no single input carries it; the isotropic noise η gives the network 995 directions of
 * pure noise to ignore. The target is nonlinear (a product inside a sine, a square) and known exactly, and the
 * noise ε sets a floor of about 1% of the target's variance under the achievable MSE.
 */
import { gaussian, seededRandom } from "../../defaults/random.ts";
import { type Dataset, seededSplit } from "./dataset.ts";

export const SYNTHETIC_DIMS = 1000;
export const LATENT_DIMS = 5;
export const TARGET_NOISE = 0.5;
export const INPUT_NOISE = 0.01;

/** Friedman #1 on the five latent factors. */
export function friedman1(z: ArrayLike<number>): number {
  const [z1 = 0, z2 = 0, z3 = 0, z4 = 0, z5 = 0] = Array.from(z);
  return 10 * Math.sin(Math.PI * z1 * z2) + 20 * (z3 - 0.5) ** 2 + 10 * z4 + 5 * z5;
}

/** A dims×k matrix (row-major) with orthonormal columns: Gram–Schmidt on Gaussian columns. */
function orthonormalColumns(normal: () => number, dims: number, k: number): Float64Array {
  const q = new Float64Array(dims * k);
  for (let c = 0; c < k; c++) {
    const v = Float64Array.from({ length: dims }, normal);
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += (v[d] ?? 0) * (q[d * k + p] ?? 0);
      for (let d = 0; d < dims; d++) v[d] = (v[d] ?? 0) - dot * (q[d * k + p] ?? 0);
    }
    const norm = Math.hypot(...v);
    for (let d = 0; d < dims; d++) q[d * k + c] = (v[d] ?? 0) / norm;
  }
  return q;
}

export function loadSynthetic(seed: number, options: { samples?: number; testFraction?: number } = {}): Dataset {
  const n = options.samples ?? 12_000;
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const q = orthonormalColumns(normal, SYNTHETIC_DIMS, LATENT_DIMS);
  const x = new Float32Array(n * SYNTHETIC_DIMS);
  const y = new Float32Array(n);
  const z = new Float64Array(LATENT_DIMS);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < LATENT_DIMS; k++) z[k] = random();
    y[i] = friedman1(z) + TARGET_NOISE * normal();
    for (let d = 0; d < SYNTHETIC_DIMS; d++) {
      let signal = 0;
      for (let k = 0; k < LATENT_DIMS; k++)
        signal += (q[d * LATENT_DIMS + k] ?? 0) * ((z[k] ?? 0) - 0.5) * Math.sqrt(12);
      x[i * SYNTHETIC_DIMS + d] = signal + INPUT_NOISE * normal();
    }
  }
  const testFraction = options.testFraction ?? 1 / 6;
  return {
    description: `synthetic: Friedman #1 of 5 latent factors seen through ${SYNTHETIC_DIMS} noisy inputs (see tools/train/datasets/synthetic.ts); ${n} samples, seeded split (seed ${seed})`,
    itemShape: [SYNTHETIC_DIMS],
    ...seededSplit(x, y, SYNTHETIC_DIMS, seed + 1, testFraction),
  };
}
