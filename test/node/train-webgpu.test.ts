/**
 * The WebGPU training path: Dawn (the `webgpu` package) over a Vulkan driver. CI installs Mesa 25's lavapipe, a
 * software Vulkan device (.ci/vulkan.sh), so there this runs for real and must pass; on a machine with no Vulkan
 * driver at all it is skipped, saying why.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../tools/train/backend.ts";
import { exportVariants, PARITY_TOLERANCE } from "../../tools/train/pipeline.ts";
import { findRecipe } from "../../tools/train/recipes/index.ts";
import { train } from "../../tools/train/train.ts";

async function probe(): Promise<{ available: boolean; software: boolean }> {
  const { create, globals } = await import("webgpu");
  Object.assign(globalThis, globals);
  const adapter = await create([]).requestAdapter();
  return { available: adapter !== null, software: adapter?.info.isFallbackAdapter === true };
}

const { available, software } = await probe();
const required = process.env.CI === "true";
if (!available && !required)
  console.warn("train-webgpu: no WebGPU adapter (no Vulkan driver); skipped. Run .ci/vulkan.sh to get one.");

describe.skipIf(!available && !required)("training on WebGPU", () => {
  it("--device auto takes a hardware adapter, and passes a software one by for the CPU", async () => {
    const backend = await selectBackend("auto");
    if (software) {
      expect(backend.backend).toBe("wasm");
      expect(backend.reason).toMatch(/auto: the only WebGPU adapter is a software one \(.+\), slower than WebAssembly/);
    } else {
      expect(backend.backend).toBe("webgpu");
    }
    expect(tf.getBackend()).toBe(backend.backend);
  });

  it("trains on the webgpu backend (not a silent fallback) and exports what it trained", async () => {
    const backend = await selectBackend("gpu");
    expect(backend.backend).toBe("webgpu");
    expect(backend.adapter.length).toBeGreaterThan(0);
    expect(tf.getBackend()).toBe("webgpu");

    const recipe = findRecipe("penguins");
    const trained = await train(recipe, { seed: 2, small: true, hyper: { ...recipe.defaults, epochs: 20 } });
    // Still webgpu after training, and the model's weights live in that backend's memory.
    expect(tf.getBackend()).toBe("webgpu");
    expect(tf.engine().backendName).toBe("webgpu");
    const [kernel] = trained.model.getWeights();
    expect(kernel && tf.engine().registry.webgpu?.refCount(kernel.dataId)).toBeGreaterThan(0);
    expect(trained.history.at(-1)?.loss).toBeLessThan((trained.history[0]?.loss ?? 0) * 0.8);
    expect(trained.history.at(-1)?.testMetric).toBeGreaterThan(0.8);

    const variants = await exportVariants(recipe, trained, backend);
    expect(variants.parity).toBeLessThanOrEqual(PARITY_TOLERANCE);
    // The export check ran on the CPU backend and handed the GPU back.
    expect(tf.getBackend()).toBe("webgpu");
  });
});
