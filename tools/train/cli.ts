/**
 * Trains a model from a recipe, exports it to ONNX, quantizes it to int8, checks int8 against fp32 on the
 * held-out split with onnxruntime-web, and publishes it into the model repository for the Worker to serve.
 *
 *   npm run train -- <recipe> [--epochs N] [--device auto|gpu|cpu] [--seed S] [--out DIR] [--force] [--small]
 *
 *   --epochs N    epochs to train (default: the recipe's)
 *   --device D    auto (default): WebGPU when a GPU adapter exists, else CPU (WebAssembly);
 *                 gpu: WebGPU or fail; cpu: WebAssembly
 *   --seed S      seeds the data split, initial weights, shuffling and augmentation (default 1)
 *   --out DIR     model repository to publish into (default models/); its index.ts is regenerated
 *   --force       publish even when int8 loses more than 1 point of accuracy (or 5% relative MSE)
 *   --small       train on a small subset of the data (smoke tests; the result will not be good)
 */

import { relative } from "node:path";
import { parseArgs } from "node:util";
import { printUsage, runMain } from "../cli.ts";
import { MODELS_DIR } from "../repository/files.ts";
import { type DeviceChoice, selectBackend } from "./backend.ts";
import { exportVariants, publishTrained } from "./pipeline.ts";
import { formatDuration, Progress } from "./progress.ts";
import { findRecipe, RECIPES } from "./recipes/index.ts";
import { metricName, train } from "./train.ts";

const DEVICES: readonly DeviceChoice[] = ["auto", "gpu", "cpu"];

function integerFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new Error(`${flag} must be an integer ≥ ${min}, not '${value}'`);
  return Number(value);
}

function usage(): void {
  printUsage(import.meta.url);
  console.log("Recipes:");
  const width = Math.max(...RECIPES.map((r) => r.name.length));
  for (const r of RECIPES) console.log(`  ${r.name.padEnd(width)}  ${r.summary}`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      epochs: { type: "string" },
      device: { type: "string", default: "auto" },
      seed: { type: "string", default: "1" },
      out: { type: "string" },
      force: { type: "boolean", default: false },
      small: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    usage();
    if (!values.help) process.exitCode = 2;
    return;
  }
  if (positionals.length > 1) throw new Error(`one recipe at a time, got: ${positionals.join(" ")}`);
  const recipe = findRecipe(positionals[0] ?? "");
  const device = values.device as DeviceChoice;
  if (!DEVICES.includes(device))
    throw new Error(`--device must be one of ${DEVICES.join(", ")}, not '${values.device}'`);
  const seed = integerFlag(values.seed, "--seed", 0) ?? 1;
  const epochs = integerFlag(values.epochs, "--epochs", 1) ?? recipe.defaults.epochs;
  const out = values.out ?? MODELS_DIR;
  const started = performance.now();

  const backend = await selectBackend(device);
  console.error(
    `${recipe.name}: training on ${backend.backend} (${backend.adapter})${backend.reason.startsWith("auto") ? ` — ${backend.reason}` : ""}`,
  );
  const progress = new Progress(metricName(recipe));
  const hyper = { ...recipe.defaults, epochs };
  const trained = await train(recipe, {
    seed,
    hyper,
    small: values.small,
    onBatch: (p) => progress.batch(p),
    onEpoch: (r) => progress.epoch(r, epochs),
  });
  console.error(`exporting to ONNX and quantizing (${recipe.quantization} int8)…`);
  const variants = await exportVariants(recipe, trained, backend);
  const { published, quality } = await publishTrained({
    recipe,
    trained,
    variants,
    backend,
    seed,
    out,
    force: values.force,
  });

  const metric = metricName(recipe);
  const show = (v: number) => (metric === "accuracy" ? `${(v * 100).toFixed(2)}%` : v.toPrecision(4));
  const m = published.manifest;
  const dir = relative(process.cwd(), published.dir) || published.dir;
  console.log(`published ${m.name}@${m.version} → ${dir}`);
  console.log(
    `  test ${metric} (${trained.data.test.n} items): fp32 ${show(quality.fp32.metric)}, int8 ${show(quality.int8.metric)}`,
  );
  const baseline = m.metrics.fp32?.baselineMse;
  if (typeof baseline === "number")
    console.log(
      `  predict-the-mean MSE ${show(baseline)}: int8 is ${((quality.int8.metric / baseline) * 100).toFixed(1)}% of it`,
    );
  if (quality.refusal) console.log(`  published with --force: ${quality.refusal}`);
  console.log(
    `  model.onnx ${variants.int8.length} bytes = ${(variants.int8.length / variants.fp32.length).toFixed(2)}× model.fp32.onnx (${variants.fp32.length} bytes)`,
  );
  console.log(
    `  ${backend.backend} (${backend.adapter}); training ${formatDuration(trained.seconds)}, total ${formatDuration((performance.now() - started) / 1000)}`,
  );
  console.log(`  served: ${published.served.join(", ")}`);
}

await runMain(import.meta.url, "train", main);
