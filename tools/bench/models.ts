/** The models the bench measures (every served model but the encoding check), their files and random inputs. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Manifest } from "../../src/models/manifest.ts";
import { MODELS_DIR } from "../repository/files.ts";
import { loadRepository, served } from "../repository/index-file.ts";

export interface BenchModel {
  manifest: Manifest;
  bytes: Uint8Array;
}

export function benchModels(): BenchModel[] {
  return served(loadRepository())
    .filter((m) => m.task !== "tensor")
    .map((manifest) => ({
      manifest,
      bytes: new Uint8Array(readFileSync(join(MODELS_DIR, manifest.name, manifest.version, manifest.file.name))),
    }));
}

/** Deterministic FP32 inputs for a batch: the same numbers for every runtime, so all do the same work. */
export function floatInput(manifest: Manifest, batch: number): { name: string; shape: number[]; data: Float32Array } {
  const spec = manifest.inputs[0];
  if (spec?.datatype !== "FP32" || manifest.inputs.length !== 1) {
    throw new Error(`bench: ${manifest.name} needs exactly one FP32 input`);
  }
  const shape = spec.shape.map((d, i) => (d === -1 ? (i === 0 ? batch : 1) : d));
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 7919) % 100) / 20);
  return { name: spec.name, shape, data };
}

/** The OIP JSON body for that input: what the HTTP benchmarks send. */
export function inferBody(manifest: Manifest, batch: number): string {
  const { name, shape, data } = floatInput(manifest, batch);
  return JSON.stringify({ inputs: [{ name, shape, datatype: "FP32", data: Array.from(data) }] });
}
