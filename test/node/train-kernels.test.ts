/**
 * The wasm backend's convolution gradients (tools/train/wasm-kernels.ts) against tfjs's reference cpu kernels,
 * over the shapes and paddings the exporter supports.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { registerMissingWasmKernels } from "../../tools/train/wasm-kernels.ts";

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: "valid" | "same";
}

const CASES: Case[] = [
  { x: [2, 7, 7, 1], filter: [3, 3, 1, 4], stride: 1, pad: "valid" },
  { x: [3, 8, 6, 3], filter: [3, 3, 3, 5], stride: 1, pad: "same" },
  { x: [2, 9, 9, 2], filter: [3, 2, 2, 3], stride: 2, pad: "same" },
  { x: [1, 10, 10, 4], filter: [5, 5, 4, 2], stride: 2, pad: "valid" },
];

/** Gradients of sum(conv2d(x, f) · r) with respect to x and f, on the active backend. */
async function gradients(c: Case, x: Float32Array, f: Float32Array, r: Float32Array) {
  const xt = tf.tensor4d(x, c.x);
  const ft = tf.tensor4d(f, c.filter);
  const loss = (a: tf.Tensor4D, b: tf.Tensor4D) => {
    const y = tf.conv2d(a, b, c.stride, c.pad);
    return tf.sum(tf.mul(y, tf.tensor(r.subarray(0, y.size), y.shape)));
  };
  const [dx, df] = tf.grads((a, b) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([xt, ft]);
  const out = { dx: (await dx?.data()) as Float32Array, df: (await df?.data()) as Float32Array };
  tf.dispose([xt, ft, dx, df]);
  return out;
}

describe("wasm convolution gradients", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
    registerMissingWasmKernels();
  });

  for (const c of CASES) {
    it(`match the cpu backend: x ${c.x}, filter ${c.filter}, stride ${c.stride}, ${c.pad}`, async () => {
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const random = (n: number, k: number) =>
        Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + k) * 0.5);
      const x = random(size(c.x), 1);
      const f = random(size(c.filter), 2);
      const r = random(size(c.x) * 4, 3);

      await tf.setBackend("cpu");
      const reference = await gradients(c, x, f, r);
      await tf.setBackend("wasm");
      expect(tf.getBackend()).toBe("wasm");
      const actual = await gradients(c, x, f, r);

      expect(actual.df.length).toBe(reference.df.length);
      expect(actual.dx.length).toBe(reference.dx.length);
      for (const [i, v] of actual.df.entries()) expect(v).toBeCloseTo(reference.df[i] ?? Number.NaN, 4);
      for (const [i, v] of actual.dx.entries()) expect(v).toBeCloseTo(reference.dx[i] ?? Number.NaN, 4);
    });
  }

  it("trains a Conv2D layer on wasm (the backend alone lacks the filter gradient)", async () => {
    await tf.setBackend("wasm");
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [6, 6, 1],
          filters: 2,
          kernelSize: 3,
          kernelInitializer: tf.initializers.ones(),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.ones() }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.001), loss: "meanSquaredError" });
    const before = (await model.layers[0]?.getWeights()[0]?.data()) as Float32Array;
    await model.trainOnBatch(tf.ones([2, 6, 6, 1]), tf.zeros([2, 1]));
    const after = (await model.layers[0]?.getWeights()[0]?.data()) as Float32Array;
    expect(Array.from(after)).not.toEqual(Array.from(before));
  });
});
