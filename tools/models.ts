/**
 * The model repository CLI.
 *
 *   npm run models -- add <file.onnx> --name NAME [--version N] [--description TEXT] [--labels a,b,c]
 *                         [--scores probabilities|logits] [--max-batch N]
 *   npm run models -- index     regenerate models/index.ts from models/
 *   npm run models -- list      served models and versions
 *
 * `add` reads inputs, outputs, datatypes and shapes from the ONNX file itself, checks onnxruntime-web can load
 * it and that it fits the Worker's size limit, writes models/<name>/<version>/ and regenerates the index. Edit
 * labels, description and pricing in the written manifest.json afterwards, then run `index` again.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { printUsage, runMain } from "./cli.ts";
import { inspectModel } from "./onnx/inspect.ts";
import { loadModel } from "./onnx/run.ts";
import { listVersionDirs, MODELS_DIR, nextVersion } from "./repository/files.ts";
import { writeIndex } from "./repository/index-file.ts";
import { assertFitsWorker } from "./repository/limits.ts";
import { type ManifestDraft, publish, UNITS_PER_REQUEST, unitsPerItem } from "./repository/publish.ts";

const DEFAULT_MAX_BATCH = 64;

function fail(message: string): never {
  throw new Error(message);
}

export async function add(
  file: string,
  options: Record<string, string | undefined>,
  dir = MODELS_DIR,
  log: (line: string) => void = console.log,
) {
  const name = options.name ?? fail("add needs --name NAME");
  const bytes = new Uint8Array(readFileSync(file));
  const signature = inspectModel(bytes);
  // Refuse what the Worker could not run: the same runtime, in Node.
  const model = await loadModel(bytes).catch((err: unknown) =>
    fail(`onnxruntime-web cannot load ${file}: ${String(err)}`),
  );
  await model.release();

  try {
    assertFitsWorker(dir, name, bytes, file);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }

  const batched = signature.inputs.every((i) => i.shape[0] === -1);
  const maxBatchSize = batched ? Number(options["max-batch"] ?? DEFAULT_MAX_BATCH) : 0;
  const labels = options.labels?.split(",").map((l) => l.trim());
  const input = signature.inputs[0];
  const output = signature.outputs[0];
  const taskApi = labels && signature.inputs.length === 1 && input && output && batched;
  const draft: ManifestDraft = {
    name,
    version: options.version ?? nextVersion(dir, name),
    description: options.description ?? `Imported from ${file}. Describe what it does here.`,
    task: labels ? "classification" : "tensor",
    inputs: signature.inputs,
    outputs: signature.outputs,
    ...(labels ? { labels } : {}),
    ...(taskApi
      ? {
          predict: {
            input: { kind: "tensor", tensor: input.name },
            output: {
              kind: "scores",
              tensor: output.name,
              scores: options.scores === "logits" ? "logits" : "probabilities",
              topK: Math.min(3, labels.length),
            },
          },
        }
      : {}),
    maxBatchSize,
    metrics: { dataset: "not evaluated: imported with `models add`", samples: 0 },
    quantization: { scheme: "none" },
    pricing: {
      perRequest: UNITS_PER_REQUEST,
      perItem: unitsPerItem(signature.macsPerItem),
      macsPerItem: signature.macsPerItem,
    },
    versionPolicy: { kind: "latest", count: 1 },
    provenance: { importedFrom: file, opset: signature.opset },
  };
  const published = publish(draft, bytes, { dir });
  log(`added ${name}@${published.manifest.version} → ${published.dir}`);
  log(`  inputs:  ${signature.inputs.map((i) => `${i.name} ${i.datatype} [${i.shape}]`).join(", ")}`);
  log(`  outputs: ${signature.outputs.map((o) => `${o.name} ${o.datatype} [${o.shape}]`).join(", ")}`);
  log(`  price:   ${draft.pricing.perRequest} units per request + ${draft.pricing.perItem} per item`);
  // The estimate counts MatMul/Gemm/Conv weights once per item; a convolution really costs that per position.
  log("  (per-item price counts MatMul/Gemm/Conv weights once: raise it for convolutional models)");
  log(`  served:  ${published.served.join(", ")}`);
  log(
    `Next: edit ${join(published.dir, "manifest.json")} (description, labels, pricing), then npm run models -- index`,
  );
  return published;
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string" },
      version: { type: "string" },
      description: { type: "string" },
      labels: { type: "string" },
      scores: { type: "string" },
      "max-batch": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, file] = positionals;
  if (values.help || !command) {
    printUsage(import.meta.url);
    return;
  }
  switch (command) {
    case "add":
      await add(file ?? fail("add needs an ONNX file"), values as Record<string, string | undefined>);
      return;
    case "index":
      console.log(`models/index.ts serves ${writeIndex().join(", ")}`);
      return;
    case "list":
      for (const v of listVersionDirs(MODELS_DIR)) console.log(`${v.name}@${v.version}`);
      return;
    default:
      fail(`unknown command '${command}' (commands: add, index, list)`);
  }
}

await runMain(import.meta.url, "models", main);
