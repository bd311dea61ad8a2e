/**
 * The tfjs → ONNX exporter: every layer type the recipes use, in the layouts that need care (NHWC → NCHW,
 * 'same' padding, strides, flatten order), checked against tfjs's own predictions with onnxruntime-web.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { inspectModel } from "../../tools/onnx/inspect.ts";
import { loadModel } from "../../tools/onnx/run.ts";
import { decodeModel } from "../../tools/onnx/writer.ts";
import { selectBackend } from "../../tools/train/backend.ts";
import { maxAbsDiff } from "../../tools/train/evaluate.ts";
import { exportOnnx } from "../../tools/train/export.ts";
import type { Normalization } from "../../tools/train/recipe.ts";
import { normalize, predictTf } from "../../tools/train/train.ts";

const seeded = (seed: number) => ({ seed });

/** Random weights everywhere (biases too), so a wrong transpose or bias shows in the outputs. */
function randomizeWeights(model: tf.Sequential, seed: number): void {
  model.layers.forEach((layer, l) => {
    layer.setWeights(
      layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.3, "float32", seed * 100 + l * 10 + i)),
    );
  });
}

async function parity(model: tf.Sequential, itemShape: number[], norm: Normalization, n = 9) {
  const size = itemShape.reduce((a, b) => a * b, 1);
  const raw = Float32Array.from({ length: n * size }, (_, i) => 100 * Math.sin(i * 0.37) + 20);
  const { bytes, macsPerItem } = await exportOnnx(model, {
    name: "t",
    inputName: "in",
    outputName: "out",
    itemShape,
    normalization: norm,
    docString: "test",
  });
  const expected = await predictTf(model, normalize(raw, norm), itemShape);
  const session = await loadModel(bytes);
  const out = await session.run({ in: { datatype: "FP32", shape: [n, ...itemShape], data: raw } });
  await session.release();
  return {
    bytes,
    macsPerItem,
    diff: maxAbsDiff(expected, Float32Array.from(out.out?.data ?? [])),
    dims: out.out?.dims,
  };
}

describe("tfjs → ONNX export", () => {
  beforeAll(async () => {
    await selectBackend("cpu");
  });

  it("exports a CNN (reshape, conv valid/same/strided, max-pool valid/same, flatten, dense, dropout) within 1e-5", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.reshape({ inputShape: [11, 9], targetShape: [11, 9, 1] }),
        tf.layers.conv2d({
          filters: 3,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
          kernelInitializer: tf.initializers.glorotUniform(seeded(1)),
        }),
        tf.layers.maxPooling2d({ poolSize: 2, padding: "same" }),
        tf.layers.conv2d({
          filters: 4,
          kernelSize: [2, 3],
          strides: 2,
          padding: "same",
          activation: "tanh",
          kernelInitializer: tf.initializers.glorotUniform(seeded(2)),
        }),
        tf.layers.conv2d({
          filters: 5,
          kernelSize: 2,
          activation: "sigmoid",
          kernelInitializer: tf.initializers.glorotUniform(seeded(3)),
        }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 6, activation: "relu", kernelInitializer: tf.initializers.glorotUniform(seeded(4)) }),
        tf.layers.dense({
          units: 4,
          activation: "softmax",
          kernelInitializer: tf.initializers.glorotUniform(seeded(5)),
        }),
      ],
    });
    randomizeWeights(model, 7);
    const result = await parity(model, [11, 9], { mean: Float32Array.of(10), std: Float32Array.of(50) });
    expect(result.dims).toEqual([9, 4]);
    expect(result.diff).toBeLessThanOrEqual(1e-5);
    // kernel size × output positions: conv1 27 × 11·9, conv2 72 × 3·3 (after the 6×5 pool), conv3 80 × 2·2,
    // then dense 20×6 and 6×4.
    expect(result.macsPerItem).toBe(27 * 99 + 72 * 9 + 80 * 4 + 20 * 6 + 6 * 4);
    const model8 = decodeModel(result.bytes);
    expect(model8.graph?.node?.map((n) => n.opType)).toEqual(
      expect.arrayContaining(["Sub", "Div", "Reshape", "Transpose", "Conv", "MaxPool", "Flatten", "MatMul", "Softmax"]),
    );
    expect(model8.graph?.node?.some((n) => n.opType === "Dropout")).toBe(false);
    expect(inspectModel(result.bytes).inputs).toEqual([{ name: "in", datatype: "FP32", shape: [-1, 11, 9] }]);
    expect(Number(model8.opsetImport[0]?.version)).toBe(13);
  });

  it("exports an MLP regressor with per-feature normalisation baked in within 1e-5", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [5], units: 8, activation: "relu" }),
        tf.layers.dense({ units: 3, useBias: false, activation: "tanh" }),
        tf.layers.activation({ activation: "sigmoid" }),
        tf.layers.dense({ units: 1 }),
      ],
    });
    randomizeWeights(model, 3);
    const norm = { mean: Float32Array.of(1, -2, 3, 40, 5), std: Float32Array.of(2, 0.5, 10, 30, 1) };
    const result = await parity(model, [5], norm);
    expect(result.dims).toEqual([9, 1]);
    expect(result.diff).toBeLessThanOrEqual(1e-5);
    expect(inspectModel(result.bytes).outputs).toEqual([{ name: "out", datatype: "FP32", shape: [-1, 1] }]);
  });

  it("refuses a layer it cannot export, naming it", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 4 }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    await expect(
      exportOnnx(model, {
        name: "t",
        inputName: "in",
        outputName: "out",
        itemShape: [4],
        normalization: { mean: Float32Array.of(0), std: Float32Array.of(1) },
        docString: "",
      }),
    ).rejects.toThrow(/layer 1 \(BatchNormalization .*no ONNX export/);
  });
});
