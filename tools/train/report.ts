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

/**
 * A request body that really runs: the first held-out item itself for named features (its true label is given),
 * and a generated all-zero item for images and tensors, which are too long to print.
 */
function exampleCall(draft: ManifestDraft, trained: Trained, recipe: Recipe): string[] {
  const p = draft.predict?.input;
  const url = `http://127.0.0.1:8787/v1/models/${draft.name}/predict`;
  const curl = `curl -s ${url} -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json'`;
  if (p?.kind === "features") {
    const first = Array.from(trained.data.test.x.subarray(0, p.features.length));
    const instance = Object.fromEntries(p.features.map((f, i) => [f, Number((first[i] ?? 0).toPrecision(6))]));
    const truth = recipe.labels?.[trained.data.test.y[0] ?? 0];
    return [
      `${curl} \\`,
      `  -d '${JSON.stringify({ instances: [instance] })}'${truth ? `   # a held-out ${truth}` : ""}`,
    ];
  }
  const zeros =
    p?.kind === "image" ? `[[0] * ${p.width}] * ${p.height}` : `[0] * ${draft.inputs[0]?.shape.slice(1).join(" * ")}`;
  return [`python3 -c 'import json; print(json.dumps({"instances": [${zeros}]}))' | ${curl} -d @-`];
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
    "npm run dev   # then, with a key from `npm run keys -- create --account NAME` in $KEY:",
    ...exampleCall(draft, trained, recipe),
    "```",
    "",
  ].join("\n");
}
