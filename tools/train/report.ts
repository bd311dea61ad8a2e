/** The short report.md published next to a trained model: what was trained on what, how it did, how to call it. */
import type { ManifestDraft } from "../repository/publish.ts";
import type { TrainingBackend } from "./backend.ts";
import type { QualityCheck, Variants } from "./pipeline.ts";
import type { Recipe } from "./recipe.ts";
import { metricName, type Trained } from "./train.ts";

export interface ReportInput {
  recipe: Recipe;
  trained: Trained;
  variants: Variants;
  quality: QualityCheck;
  backend: TrainingBackend;
  draft: ManifestDraft;
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function formatMetric(metric: "accuracy" | "mse", v: number): string {
  return metric === "accuracy" ? `${(v * 100).toFixed(2)}%` : v.toPrecision(4);
}

function layerTable(trained: Trained): string[] {
  return [
    "| layer | output shape | parameters |",
    "|---|---|---|",
    ...trained.model.layers.map(
      (l) =>
        `| ${l.getClassName()} | ${JSON.stringify(l.outputShape).replace(/null/g, "batch")} | ${l.countParams()} |`,
    ),
  ];
}

function exampleInstance(input: ManifestDraft["predict"]): string {
  const p = input?.input;
  if (p?.kind === "features") return `{"instances": [{${p.features.map((f) => `"${f}": 0`).join(", ")}}]}`;
  if (p?.kind === "image") return `{"instances": [[[0, 0, …], …]]}   # ${p.height} rows of ${p.width} pixel values`;
  return `{"instances": [[0.1, -0.3, …]]}`;
}

export function renderReport({ recipe, trained, variants, quality, backend, draft }: ReportInput): string {
  const metric = metricName(recipe);
  const { train, test } = trained.data;
  const baseline = draft.metrics.fp32?.baselineMse;
  const seed = draft.provenance.seed;
  return [
    `# ${recipe.name} ${draft.version}`,
    "",
    recipe.description,
    "",
    "![training curve](training.svg)",
    "",
    "## Results (held-out split, onnxruntime-web)",
    "",
    `| variant | ${metric} | file |`,
    "|---|---|---|",
    `| fp32 | ${formatMetric(metric, quality.fp32.metric)} | model.fp32.onnx, ${kib(variants.fp32.length)} |`,
    `| int8 (${recipe.quantization}) | ${formatMetric(metric, quality.int8.metric)} | model.onnx, ${kib(variants.int8.length)} (${(variants.int8.length / variants.fp32.length).toFixed(2)}× fp32) |`,
    ...(typeof baseline === "number"
      ? [
          "",
          `Predict-the-mean baseline MSE: ${baseline.toPrecision(4)}; int8 MSE is ${((quality.int8.metric / baseline) * 100).toFixed(1)}% of it.`,
        ]
      : []),
    ...(quality.refusal ? ["", `**Published with --force despite:** ${quality.refusal}.`] : []),
    "",
    `fp32 ONNX vs tfjs, largest output difference on the test split (relative above 1): ${variants.parity.toExponential(2)}.`,
    `Quantized: ${variants.quantization.quantized.join(", ")}.${variants.quantization.skipped.length ? ` Left in float: ${variants.quantization.skipped.join("; ")}.` : ""}`,
    "",
    "## Data",
    "",
    `${trained.data.description}: ${train.n} training and ${test.n} test items.` +
      (trained.data.dropped ? ` ${trained.data.dropped.count} rows dropped (${trained.data.dropped.reason}).` : ""),
    "",
    "## Model and training",
    "",
    ...layerTable(trained),
    "",
    `Trained on **${backend.backend}** (${backend.adapter}${backend.reason ? `; ${backend.reason}` : ""}) in ${trained.seconds.toFixed(1)} s: ` +
      `${trained.hyper.epochs} epochs, batch ${trained.hyper.batchSize}, Adam lr ${trained.hyper.learningRate} × ${trained.hyper.learningRateDecay} per epoch, seed ${seed}.`,
    "",
    `| epoch | loss | test ${metric} | seconds |`,
    "|---|---|---|---|",
    ...trained.history.map(
      (r) => `| ${r.epoch} | ${r.loss.toFixed(4)} | ${formatMetric(metric, r.testMetric)} | ${r.seconds.toFixed(1)} |`,
    ),
    "",
    "## Reproduce and call",
    "",
    "```sh",
    `npm run train -- ${recipe.name} --seed ${seed} --epochs ${trained.hyper.epochs} --device ${backend.backend === "webgpu" ? "gpu" : "cpu"}`,
    `curl -s localhost:8787/v1/models/${recipe.name}/predict -H "Authorization: Bearer $KEY" \\`,
    `  -H 'content-type: application/json' -d '${exampleInstance(draft.predict)}'`,
    "```",
    "",
  ].join("\n");
}
