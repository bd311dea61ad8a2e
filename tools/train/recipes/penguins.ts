/**
 * `penguins`: species (Adelie, Chinstrap, Gentoo) from four body measurements, raw units (mm, g). The training
 * split's mean and standard deviation are baked into the graph, so clients send measurements as they are.
 *
 *   4 measurements → standardise → Dense 16 → ReLU → Dense 3 → Softmax
 */
import * as tf from "@tensorflow/tfjs";
import { loadPenguins, PENGUIN_FEATURES, SPECIES } from "../datasets/penguins.ts";
import { type Recipe, standardize } from "../recipe.ts";

export const penguins: Recipe = {
  name: "penguins",
  summary: "penguin species from beak, flipper and body-mass measurements (vega-datasets, MLP, dynamic int8)",
  description: "Palmer penguin species from beak length and depth (mm), flipper length (mm) and body mass (g).",
  task: "classification",
  labels: SPECIES,
  defaults: { epochs: 30, batchSize: 32, learningRate: 1e-2, learningRateDecay: 0.95 },
  quantization: "dynamic",
  predictInput: { kind: "features", features: PENGUIN_FEATURES.map((f) => f.name) },
  load: (seed, { small }) => loadPenguins(seed, { limit: small ? 160 : undefined }),
  normalization: (train) => standardize(train, PENGUIN_FEATURES.length),
  build(seed) {
    return tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [PENGUIN_FEATURES.length],
          units: 16,
          activation: "relu",
          kernelInitializer: tf.initializers.heNormal({ seed: seed * 100 + 1 }),
        }),
        tf.layers.dense({
          units: SPECIES.length,
          activation: "softmax",
          kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 100 + 2 }),
        }),
      ],
    });
  },
};
