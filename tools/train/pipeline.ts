/**
 * From a trained tfjs model to a published int8 model: export to ONNX, check the export against tfjs, quantize,
 * evaluate fp32 and int8 with onnxruntime-web on the held-out split, refuse a model that lost too much in int8,
 * and publish the int8 model (plus its fp32 source, training curve and report) into the model repository.
 */

import * as tf from "@tensorflow/tfjs";
import { quantizeDynamic } from "../onnx/quantize.ts";
import type { QuantizeReport } from "../onnx/quantize-common.ts";
import { quantizeStatic } from "../onnx/quantize-static.ts";
import type { Feed } from "../onnx/run.ts";
import { listVersionDirs, nextVersion, publishedFile, sha256 } from "../repository/files.ts";
import { assertFitsWorker } from "../repository/limits.ts";
import type { ManifestDraft, Published } from "../repository/publish.ts";
import { publish, UNITS_PER_REQUEST, unitsPerItem } from "../repository/publish.ts";
import { onCpu, type TrainingBackend } from "./backend.ts";
import { itemSize } from "./datasets/dataset.ts";
import { type Evaluation, evaluateOnnx, maxAbsDiff, maxScaledDiff, meanBaselineMse } from "./evaluate.ts";
import { exportOnnx } from "./export.ts";
import { trainingCurveSvg } from "./plot.ts";
import type { Recipe } from "./recipe.ts";
import { renderReport } from "./report.ts";
import { metricName, normalize, predictTf, type Trained } from "./train.ts";

/**
 * fp32 ONNX vs tfjs on the held-out split (absolute below 1, relative above: see maxScaledDiff): the export is
 * wrong, not merely computed in another order, beyond this.
 */
export const PARITY_TOLERANCE = 1e-5;
/** Publishing refuses an int8 model that lost more than this much accuracy (absolute)… */
export const MAX_ACCURACY_LOSS = 0.01;
/** …or whose MSE grew by more than this fraction. */
export const MAX_MSE_INCREASE = 0.05;
export const MAX_BATCH = 64;
const CALIBRATION_ITEMS = 512;

export class PublishRefused extends Error {
  override name = "PublishRefused";
}

export interface Variants {
  fp32: Uint8Array;
  int8: Uint8Array;
  macsPerItem: number;
  quantization: QuantizeReport;
  /** Largest |tfjs − fp32 ONNX| / max(1, |tfjs|) over the held-out outputs. */
  parity: number;
  /** The fp32 ONNX model on the held-out split (onnxruntime-web), measured once for the parity check. */
  fp32Evaluation: Evaluation;
}

export const ioNames = (recipe: Recipe) => ({
  input: recipe.predictInput.kind === "tensor" ? "input" : recipe.predictInput.kind,
  output: recipe.task === "classification" ? "probabilities" : "value",
});

/** The first `CALIBRATION_ITEMS` training items, raw, as feeds of 128: static quantization's calibration set. */
export function calibrationFeeds(trained: Trained, input: string): Record<string, Feed>[] {
  const { train, itemShape } = trained.data;
  const size = itemSize(itemShape);
  const count = Math.min(CALIBRATION_ITEMS, train.n);
  const feeds: Record<string, Feed>[] = [];
  for (let start = 0; start < count; start += 128) {
    const n = Math.min(128, count - start);
    feeds.push({
      [input]: { datatype: "FP32", shape: [n, ...itemShape], data: train.x.subarray(start * size, (start + n) * size) },
    });
  }
  return feeds;
}

/** Exports the fp32 model, checks it against tfjs, and quantizes it with the recipe's scheme. */
export async function exportVariants(recipe: Recipe, trained: Trained, backend: TrainingBackend): Promise<Variants> {
  const io = ioNames(recipe);
  const { bytes: fp32, macsPerItem } = await exportOnnx(trained.model, {
    name: recipe.name,
    inputName: io.input,
    outputName: io.output,
    itemShape: trained.data.itemShape,
    normalization: trained.normalization,
    docString: recipe.description,
    metadata: { recipe: recipe.name, backend: backend.backend },
  });
  const test = trained.data.test;
  const reference = await onCpu(() =>
    predictTf(trained.model, normalize(test.x, trained.normalization), trained.data.itemShape),
  );
  const fp32Evaluation = await evaluateOnnx(fp32, recipe, test, trained.data.itemShape, io);
  const parity = maxScaledDiff(reference, fp32Evaluation.predictions);
  if (!(parity <= PARITY_TOLERANCE)) {
    throw new Error(
      `the fp32 ONNX export differs from tfjs by up to ${parity} on the test split (allowed ${PARITY_TOLERANCE}): an exporter bug`,
    );
  }
  const { bytes: int8, report } =
    recipe.quantization === "static"
      ? await quantizeStatic(fp32, calibrationFeeds(trained, io.input))
      : quantizeDynamic(fp32);
  return { fp32, int8, macsPerItem, quantization: report, parity, fp32Evaluation };
}

export interface QualityCheck {
  fp32: Evaluation;
  int8: Evaluation;
  /** Why the int8 model may not be published, or undefined when it may. */
  refusal?: string;
}

export function qualityGate(task: Recipe["task"], fp32: number, int8: number): string | undefined {
  if (task === "classification" && fp32 - int8 > MAX_ACCURACY_LOSS) {
    return `int8 accuracy ${(int8 * 100).toFixed(2)}% is ${((fp32 - int8) * 100).toFixed(2)} points below fp32 ${(fp32 * 100).toFixed(2)}% (at most ${MAX_ACCURACY_LOSS * 100} allowed)`;
  }
  if (task === "regression" && int8 > fp32 * (1 + MAX_MSE_INCREASE)) {
    return `int8 MSE ${int8.toPrecision(4)} is ${(((int8 - fp32) / fp32) * 100).toFixed(1)}% above fp32 ${fp32.toPrecision(4)} (at most ${MAX_MSE_INCREASE * 100}% allowed)`;
  }
  return undefined;
}

export async function checkQuality(
  recipe: Recipe,
  trained: Trained,
  variants: Pick<Variants, "fp32Evaluation" | "int8">,
): Promise<QualityCheck> {
  const { test, itemShape } = trained.data;
  const fp32 = variants.fp32Evaluation;
  const int8 = await evaluateOnnx(variants.int8, recipe, test, itemShape, ioNames(recipe));
  return { fp32, int8, refusal: qualityGate(recipe.task, fp32.metric, int8.metric) };
}

export interface PublishOptions {
  recipe: Recipe;
  trained: Trained;
  variants: Variants;
  backend: TrainingBackend;
  seed: number;
  /** Repository root (default models/). */
  out: string;
  /** Publish even when the int8 model fails the quality gate. */
  force: boolean;
}

/** The version to write: the newest one again when it holds the very same int8 file (a reproducible rerun). */
function versionFor(out: string, name: string, digest: string): string {
  const newest = listVersionDirs(out)
    .filter((v) => v.name === name)
    .at(-1);
  return newest && publishedFile(newest.path)?.sha256 === digest ? newest.version : nextVersion(out, name);
}

export async function publishTrained(
  options: PublishOptions,
): Promise<{ published: Published; quality: QualityCheck }> {
  const { recipe, trained, variants, backend, seed, out } = options;
  const quality = await checkQuality(recipe, trained, variants);
  if (quality.refusal && !options.force) {
    throw new PublishRefused(`not published: ${quality.refusal}. Train longer, change the recipe, or pass --force.`);
  }
  assertFitsWorker(out, recipe.name, variants.int8, `${recipe.name} (int8)`);
  const io = ioNames(recipe);
  const metric = metricName(recipe);
  const { train, test } = trained.data;
  const extra: Record<string, number> =
    recipe.task === "regression" ? { baselineMse: meanBaselineMse(train, test) } : {};
  const digest = sha256(variants.int8);
  const draft: ManifestDraft = {
    name: recipe.name,
    version: versionFor(out, recipe.name, digest),
    description: `${recipe.description} int8 weights (${recipe.quantization} quantization).`,
    task: recipe.task,
    inputs: [{ name: io.input, datatype: "FP32", shape: [-1, ...trained.data.itemShape] }],
    outputs: [{ name: io.output, datatype: "FP32", shape: [-1, recipe.labels?.length ?? 1] }],
    ...(recipe.labels ? { labels: [...recipe.labels] } : {}),
    predict: {
      input: { ...recipe.predictInput, tensor: io.input },
      output:
        recipe.task === "classification"
          ? { kind: "scores", tensor: io.output, scores: "probabilities", topK: 3 }
          : { kind: "values", tensor: io.output },
    },
    maxBatchSize: MAX_BATCH,
    metrics: {
      dataset: trained.data.description,
      samples: test.n,
      fp32: { [metric]: quality.fp32.metric, ...extra },
      int8: {
        [metric]: quality.int8.metric,
        ...extra,
        maxOutputDrift: maxAbsDiff(quality.fp32.predictions, quality.int8.predictions),
      },
    },
    quantization: {
      scheme: recipe.quantization === "static" ? "static-int8" : "dynamic-int8",
      sourceSha256: sha256(variants.fp32),
      perChannel: true,
      symmetric: true,
    },
    pricing: {
      perRequest: UNITS_PER_REQUEST,
      perItem: unitsPerItem(variants.macsPerItem),
      macsPerItem: variants.macsPerItem,
    },
    versionPolicy: { kind: "latest", count: 1 },
    provenance: {
      script: "tools/train/cli.ts",
      recipe: recipe.name,
      seed,
      epochs: trained.hyper.epochs,
      batchSize: trained.hyper.batchSize,
      learningRate: trained.hyper.learningRate,
      learningRateDecay: trained.hyper.learningRateDecay,
      optimizer: "Adam",
      backend: backend.backend,
      adapter: backend.adapter,
      tfjs: tf.version.tfjs,
      trainSamples: train.n,
      testSamples: test.n,
      ...(trained.data.dropped ? { droppedRows: trained.data.dropped.count } : {}),
      fp32Bytes: variants.fp32.length,
      int8Bytes: variants.int8.length,
      exportParity: variants.parity,
      ...(quality.refusal ? { forced: quality.refusal } : {}),
    },
  };
  const title = `${recipe.name} — ${backend.backend}, seed ${seed}`;
  const published = publish(draft, variants.int8, {
    dir: out,
    files: {
      "model.fp32.onnx": variants.fp32,
      "training.svg": trainingCurveSvg(title, trained.history, metric),
      "report.md": renderReport({ recipe, trained, variants, quality, backend, draft }),
    },
  });
  return { published, quality };
}
