/**
 * Quantizes an ONNX model's weights to int8 (per-channel, symmetric) and reports what changed.
 *
 *   npm run quantize -- <in.onnx> <out.onnx> [--scheme dynamic|static] [--calib FILE]
 *
 *   --scheme dynamic (default)  MatMul/Gemm weights → DynamicQuantizeLinear + MatMulInteger, which onnxruntime
 *                               fuses; activations are quantized at run time. Conv is left in float.
 *   --scheme static             Conv/MatMul/Gemm weights and their activations as QDQ, with activation ranges
 *                               measured on --calib data (required).
 *   --calib FILE                JSON calibration inputs: an Open Inference Protocol request body
 *                               {"inputs": [{"name", "shape", "datatype": "FP32", "data"}]}, or a JSON array of
 *                               them (one batch each). Also used to measure output drift; without it, drift is
 *                               measured on seeded random normal inputs.
 *
 * Works on any ONNX model whose weights are initializers, not only the trainer's; other ops are left untouched.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { isObject } from "../src/json.ts";
import { printUsage, runMain } from "./cli.ts";
import { outputDrift, syntheticFeeds } from "./onnx/drift.ts";
import { quantizeDynamic } from "./onnx/quantize.ts";
import { quantizeStatic } from "./onnx/quantize-static.ts";
import type { Feed } from "./onnx/run.ts";

/** Flattens nested arrays of any depth (OIP allows `data` flat or nested by shape). */
function flatten(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else out.push(value);
  return out;
}

/** Reads calibration batches from an OIP request body (or an array of them), checking each input's data. */
export function parseCalibration(text: string, file: string): Record<string, Feed>[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const bodies = Array.isArray(json) ? json : [json];
  if (bodies.length === 0) throw new Error(`${file}: no calibration batches`);
  return bodies.map((body, b) => {
    const where = Array.isArray(json) ? `${file}[${b}]` : file;
    if (!isObject(body) || !Array.isArray(body.inputs) || body.inputs.length === 0) {
      throw new Error(`${where}: expected {"inputs": [{"name", "shape", "datatype", "data"}, ...]}`);
    }
    return Object.fromEntries(
      body.inputs.map((input: unknown, i: number) => {
        const at = `${where}.inputs[${i}]`;
        if (!isObject(input) || typeof input.name !== "string") throw new Error(`${at}: needs a string 'name'`);
        if (input.datatype !== "FP32")
          throw new Error(`${at}: datatype must be "FP32" (got ${JSON.stringify(input.datatype)})`);
        const shape = input.shape;
        if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
          throw new Error(`${at}: 'shape' must be an array of non-negative integers`);
        }
        const data = Array.isArray(input.data) ? flatten(input.data) : [];
        const size = (shape as number[]).reduce((a, d) => a * d, 1);
        if (data.length !== size || !data.every((v) => typeof v === "number" && Number.isFinite(v))) {
          throw new Error(
            `${at}: 'data' must hold ${size} finite numbers for shape [${shape}] (has ${data.length} values)`,
          );
        }
        return [input.name, { datatype: "FP32", shape: shape as number[], data: Float32Array.from(data as number[]) }];
      }),
    );
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      scheme: { type: "string", default: "dynamic" },
      calib: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || positionals.length !== 2) {
    printUsage(import.meta.url);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const [input, output] = positionals as [string, string];
  if (values.scheme !== "dynamic" && values.scheme !== "static") {
    throw new Error(`--scheme must be dynamic or static, not '${values.scheme}'`);
  }
  const calibration = values.calib ? parseCalibration(readFileSync(values.calib, "utf8"), values.calib) : undefined;
  if (values.scheme === "static" && !calibration)
    throw new Error("--scheme static needs --calib FILE (calibration inputs)");
  const source = new Uint8Array(readFileSync(input));
  const { bytes, report } =
    values.scheme === "static" && calibration ? await quantizeStatic(source, calibration) : quantizeDynamic(source);
  writeFileSync(output, bytes);

  console.log(`${output}: ${values.scheme} int8, ${report.quantized.length} node(s) quantized`);
  console.log(`  quantized: ${report.quantized.join(", ")}`);
  if (report.skipped.length > 0) console.log(`  left in float: ${report.skipped.join("; ")}`);
  console.log(
    `  size: ${report.bytesBefore} → ${report.bytesAfter} bytes (${(report.bytesAfter / report.bytesBefore).toFixed(2)}×)`,
  );
  const feeds = calibration ?? syntheticFeeds(source);
  if (!feeds) {
    console.log("  drift: not measured (inputs are not FP32; pass --calib to measure it)");
    return;
  }
  for (const d of await outputDrift(source, bytes, feeds)) {
    console.log(
      `  drift on ${calibration ? "calibration" : "random normal"} inputs, output '${d.output}': max ${d.maxAbs.toExponential(2)}, mean ${d.meanAbs.toExponential(2)}, ${(d.relative * 100).toFixed(2)}% of its range`,
    );
  }
}

await runMain(import.meta.url, "quantize", main);
