/**
 * `seed-mlp`: the classic reference regressor, Linear 1000→500 → ReLU → 100 → ReLU → 1, trained with MSE and
 * Adam (lr 1e-3) on seeded synthetic data from a known nonlinear function (datasets/synthetic.ts). Its held-out
 * MSE is reported against the predict-the-mean baseline. The inputs are already centred with unit-scale factors,
 * so the baked-in normalisation is the identity.
 */
import * as tf from "@tensorflow/tfjs";
import { loadSynthetic, SYNTHETIC_DIMS } from "../datasets/synthetic.ts";
import type { Recipe } from "../recipe.ts";

export const seedMlp: Recipe = {
  name: "seed-mlp",
  summary:
    "reference regressor Linear 1000→500→ReLU→100→ReLU→1 on seeded synthetic data (MSE, Adam 1e-3, dynamic int8)",
  description:
    "Reference MLP regressor: the Friedman #1 target from 1,000 noisy inputs (synthetic data, see the report).",
  task: "regression",
  defaults: { epochs: 10, batchSize: 64, learningRate: 1e-3, learningRateDecay: 0.8 },
  quantization: "dynamic",
  predictInput: { kind: "tensor" },
  load: (seed, { small }) => loadSynthetic(seed, { samples: small ? 1200 : undefined }),
  normalization: () => ({ mean: Float32Array.of(0), std: Float32Array.of(1) }),
  build(seed) {
    const init = (i: number) => tf.initializers.heNormal({ seed: seed * 100 + i });
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [SYNTHETIC_DIMS], units: 500, activation: "relu", kernelInitializer: init(1) }),
        tf.layers.dense({ units: 100, activation: "relu", kernelInitializer: init(2) }),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 100 + 3 }) }),
      ],
    });
  },
};
