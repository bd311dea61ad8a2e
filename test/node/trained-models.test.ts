/**
 * The committed trained models keep their promises: their manifests' metrics are what onnxruntime-web measures on
 * the recipe's held-out split today, the int8 files come from the fp32 files next to them, and they meet the
 * targets the trainer was built for (digits ≥ 98% in int8 at ≤ 0.3× the fp32 size; seed-mlp ≤ 10% of the
 * predict-the-mean MSE).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/models/manifest.ts";
import { MODELS_DIR, sha256 } from "../../tools/repository/files.ts";
import { evaluateOnnx } from "../../tools/train/evaluate.ts";
import { ioNames } from "../../tools/train/pipeline.ts";
import { findRecipe } from "../../tools/train/recipes/index.ts";

const committed = (name: string) => {
  const dir = join(MODELS_DIR, name, "1");
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")));
  return {
    manifest,
    int8: new Uint8Array(readFileSync(join(dir, "model.onnx"))),
    fp32: new Uint8Array(readFileSync(join(dir, "model.fp32.onnx"))),
  };
};

describe.each(["digits", "penguins", "seed-mlp"])("committed %s model", (name) => {
  it("measures today what its manifest says, on the recipe's held-out split", async () => {
    const { manifest, int8, fp32 } = committed(name);
    const recipe = findRecipe(name);
    expect(manifest.provenance).toMatchObject({ recipe: name, backend: expect.any(String), fp32Bytes: fp32.length });
    expect(manifest.quantization).toMatchObject({ sourceSha256: sha256(fp32), perChannel: true, symmetric: true });
    const data = recipe.load(Number(manifest.provenance.seed), { small: false });
    expect(manifest.metrics.samples).toBe(data.test.n);
    expect(manifest.provenance.trainSamples).toBe(data.train.n);
    const metric = recipe.task === "classification" ? "accuracy" : "mse";
    const io = ioNames(recipe);
    const measured = {
      fp32: (await evaluateOnnx(fp32, recipe, data.test, data.itemShape, io)).metric,
      int8: (await evaluateOnnx(int8, recipe, data.test, data.itemShape, io)).metric,
    };
    expect(manifest.metrics.fp32?.[metric]).toBeCloseTo(measured.fp32, 6);
    expect(manifest.metrics.int8?.[metric]).toBeCloseTo(measured.int8, 6);
  });
});

describe("targets", () => {
  it("digits: int8 test accuracy ≥ 98% with an int8 file ≤ 0.3× the fp32 file", () => {
    const { manifest, int8, fp32 } = committed("digits");
    expect(manifest.metrics.int8?.accuracy).toBeGreaterThanOrEqual(0.98);
    expect(int8.length).toBeLessThanOrEqual(0.3 * fp32.length);
  });

  it("seed-mlp: int8 test MSE ≤ 10% of the predict-the-mean baseline", () => {
    const { manifest } = committed("seed-mlp");
    const baseline = manifest.metrics.int8?.baselineMse ?? 0;
    expect(baseline).toBeGreaterThan(0);
    expect(manifest.metrics.int8?.mse).toBeLessThanOrEqual(0.1 * baseline);
  });

  it("penguins: int8 within a point of fp32", () => {
    const { manifest } = committed("penguins");
    expect((manifest.metrics.fp32?.accuracy ?? 0) - (manifest.metrics.int8?.accuracy ?? 0)).toBeLessThanOrEqual(0.01);
  });
});
