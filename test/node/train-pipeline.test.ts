/**
 * The trainer end to end on CI-sized data (the recipes' `small` subsets, few epochs): train → export (fp32 parity
 * with tfjs) → quantize → evaluate with onnxruntime-web → quality gate → publish into a scratch repository.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { quantizeDynamic } from "../../tools/onnx/quantize.ts";
import { loadRepository } from "../../tools/repository/index-file.ts";
import { selectBackend, type TrainingBackend } from "../../tools/train/backend.ts";
import { exportOnnx } from "../../tools/train/export.ts";
import {
  exportVariants,
  ioNames,
  PARITY_TOLERANCE,
  PublishRefused,
  publishTrained,
  qualityGate,
} from "../../tools/train/pipeline.ts";
import type { Recipe } from "../../tools/train/recipe.ts";
import { findRecipe } from "../../tools/train/recipes/index.ts";
import { train } from "../../tools/train/train.ts";

const run = promisify(execFile);
let backend: TrainingBackend;

beforeAll(async () => {
  backend = await selectBackend("cpu");
});

const small = (recipe: Recipe, seed: number, epochs: number) =>
  train(recipe, { seed, small: true, hyper: { ...recipe.defaults, epochs } });

async function weightsOf(model: tf.Sequential): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

const scratch = () => mkdtempSync(join(tmpdir(), "train-"));

describe("trainer pipeline (CPU, small data)", () => {
  it("trains penguins, exports within the parity tolerance, quantizes, and publishes a servable model", async () => {
    const recipe = findRecipe("penguins");
    const trained = await small(recipe, 3, 40);
    expect(trained.history).toHaveLength(40);
    expect(trained.history.at(-1)?.loss).toBeLessThan(trained.history[0]?.loss ?? 0);
    const variants = await exportVariants(recipe, trained, backend);
    expect(variants.parity).toBeLessThanOrEqual(PARITY_TOLERANCE);
    expect(variants.quantization.scheme).toBe("dynamic");
    const out = scratch();
    const { published, quality } = await publishTrained({
      recipe,
      trained,
      variants,
      backend,
      seed: 3,
      out,
      force: false,
    });
    expect(quality.fp32.metric).toBeGreaterThan(0.85);
    expect(quality.int8.metric).toBeGreaterThan(0.85);

    const dir = join(out, "penguins", "1");
    for (const file of ["model.onnx", "model.fp32.onnx", "manifest.json", "training.svg", "report.md"]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const [manifest] = loadRepository(out); // checks schema, sha256 and size
    expect(manifest).toMatchObject({
      name: "penguins",
      version: "1",
      task: "classification",
      labels: ["Adelie", "Chinstrap", "Gentoo"],
      inputs: [{ name: "features", datatype: "FP32", shape: [-1, 4] }],
      predict: {
        input: { kind: "features", features: ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"] },
      },
      quantization: { scheme: "dynamic-int8", perChannel: true, symmetric: true },
      provenance: {
        recipe: "penguins",
        seed: 3,
        epochs: 40,
        backend: "wasm",
        trainSamples: trained.data.train.n,
        droppedRows: 2,
      },
    });
    expect(manifest?.metrics.int8?.accuracy).toBe(quality.int8.metric);
    expect(published.served).toEqual(["penguins@1"]);
    expect(readFileSync(join(out, "index.ts"), "utf8")).toContain('import model0 from "./penguins/1/model.onnx"');
    expect(readFileSync(join(dir, "training.svg"), "utf8")).toMatch(/^<svg[^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain(
      "npm run train -- penguins --seed 3 --epochs 40 --device cpu",
    );

    // Publishing the same int8 file again rewrites the same version instead of adding one.
    const again = await publishTrained({ recipe, trained, variants, backend, seed: 3, out, force: false });
    expect(again.published.manifest.version).toBe("1");
  });

  it("trains and exports the digits CNN (conv layers, static QDQ int8) on a few hundred images", async () => {
    const recipe = findRecipe("digits");
    const trained = await small(recipe, 2, 1);
    const variants = await exportVariants(recipe, trained, backend);
    expect(variants.parity).toBeLessThanOrEqual(PARITY_TOLERANCE);
    expect(variants.quantization).toMatchObject({ scheme: "static", skipped: [] });
    expect(variants.quantization.quantized).toHaveLength(4); // two Conv, two MatMul
    expect(variants.int8.length).toBeLessThan(0.3 * variants.fp32.length);
  });

  it("exports the seed-mlp regressor (1000→500→100→1) within the parity tolerance", async () => {
    const recipe = findRecipe("seed-mlp");
    const trained = await small(recipe, 1, 1);
    const variants = await exportVariants(recipe, trained, backend);
    expect(variants.parity).toBeLessThanOrEqual(PARITY_TOLERANCE);
    expect(variants.macsPerItem).toBe(1000 * 500 + 500 * 100 + 100);
    expect(variants.int8.length).toBeLessThan(0.3 * variants.fp32.length);
  });

  it("is reproducible: the same seed gives identical weights and model files, another seed does not", async () => {
    for (const name of ["penguins", "digits"]) {
      const recipe = findRecipe(name);
      const epochs = name === "digits" ? 1 : 5;
      const [a, b, c] = [
        await small(recipe, 5, epochs),
        await small(recipe, 5, epochs),
        await small(recipe, 6, epochs),
      ];
      expect(await weightsOf(a.model), name).toEqual(await weightsOf(b.model));
      expect(await weightsOf(a.model), name).not.toEqual(await weightsOf(c.model));
      const [va, vb] = [await exportVariants(recipe, a, backend), await exportVariants(recipe, b, backend)];
      expect(Buffer.from(va.int8).equals(Buffer.from(vb.int8)), name).toBe(true);
    }
  });
});

describe("publishing refuses a bad int8 model", () => {
  it("when int8 loses more than a point of accuracy, unless --force", async () => {
    const recipe = findRecipe("penguins");
    const trained = await small(recipe, 4, 40);
    const variants = await exportVariants(recipe, trained, backend);
    // A broken quantization stand-in: the int8 file of an untrained network of the same shape.
    const io = ioNames(recipe);
    const untrained = await exportOnnx(recipe.build(99), {
      name: "bad",
      inputName: io.input,
      outputName: io.output,
      itemShape: trained.data.itemShape,
      normalization: trained.normalization,
      docString: "untrained",
    });
    const bad = { ...variants, int8: quantizeDynamic(untrained.bytes).bytes };
    const out = scratch();
    const options = { recipe, trained, variants: bad, backend, seed: 4, out };
    await expect(publishTrained({ ...options, force: false })).rejects.toThrow(PublishRefused);
    await expect(publishTrained({ ...options, force: false })).rejects.toThrow(
      /int8 accuracy .* points below fp32 .*--force/,
    );
    expect(existsSync(join(out, "penguins"))).toBe(false);
    expect(existsSync(join(out, "index.ts"))).toBe(false);

    const forced = await publishTrained({ ...options, force: true });
    expect(forced.published.manifest.provenance.forced).toMatch(/points below fp32/);
    expect(readFileSync(join(forced.published.dir, "report.md"), "utf8")).toContain("Published with --force despite");
  });

  it("applies 1 point of accuracy and 5% relative MSE as the limits", () => {
    expect(qualityGate("classification", 0.98, 0.975)).toBeUndefined();
    expect(qualityGate("classification", 0.98, 0.969)).toMatch(/1\.10 points below/);
    expect(qualityGate("regression", 1.0, 1.049)).toBeUndefined();
    expect(qualityGate("regression", 1.0, 1.06)).toMatch(/6\.0% above/);
  });
});

describe("npm run train (CLI)", () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, ["--import", "tsx", "tools/train/cli.ts", ...args], {
      env: { ...process.env, ...env },
    }).catch((err: { code: number; stdout: string; stderr: string }) => err);

  it("--help lists every recipe with one line each", async () => {
    const { stdout } = await cli(["--help"]);
    expect(stdout).toContain("npm run train -- <recipe>");
    expect(stdout).toMatch(/^ {2}digits {4}handwritten digits/m);
    expect(stdout).toMatch(/^ {2}penguins {2}penguin species/m);
    expect(stdout).toMatch(/^ {2}seed-mlp {2}reference regressor/m);
  });

  it("names what is wrong with its arguments", async () => {
    expect(await cli(["cats"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown recipe 'cats'; recipes: digits, penguins, seed-mlp"),
    });
    expect(await cli(["digits", "--epochs", "0"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--epochs must be an integer ≥ 1, not '0'"),
    });
    expect(await cli(["digits", "--device", "tpu"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--device must be one of auto, gpu, cpu"),
    });
  });

  it("--device gpu fails clearly when there is no WebGPU adapter", async () => {
    // Pointing the Vulkan loader at no driver leaves Dawn without an adapter, GPU or software.
    const result = await cli(["penguins", "--device", "gpu", "--small", "--out", scratch()], {
      VK_ICD_FILENAMES: "/nonexistent/icd.json",
      VK_DRIVER_FILES: "/nonexistent/icd.json",
    });
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining("--device gpu: no WebGPU adapter found") });
  });

  it("--device auto falls back to the CPU and says so when there is no adapter", async () => {
    const out = scratch();
    const result = await cli(["penguins", "--device", "auto", "--small", "--epochs", "30", "--out", out], {
      VK_ICD_FILENAMES: "/nonexistent/icd.json",
      VK_DRIVER_FILES: "/nonexistent/icd.json",
    });
    expect(result).toMatchObject({ stderr: expect.stringContaining("auto: no WebGPU adapter, training on the CPU") });
    expect(result).toMatchObject({ stdout: expect.stringContaining("published penguins@1") });
    expect(JSON.parse(readFileSync(join(out, "penguins", "1", "manifest.json"), "utf8")).provenance.backend).toBe(
      "wasm",
    );
  });
});
