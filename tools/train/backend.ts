/**
 * Picks the tfjs backend the trainer runs on and proves it is the one in use.
 *
 * - `gpu`: WebGPU through Dawn (the `webgpu` package's dawn.node) and @tensorflow/tfjs-backend-webgpu. Fails with a
 *   clear message when Dawn finds no adapter (no GPU, no Vulkan driver).
 * - `cpu`: @tensorflow/tfjs-backend-wasm (SIMD), with the Conv2D filter-gradient kernel it lacks (wasm-kernels.ts).
 * - `auto`: `gpu` when a hardware adapter exists, else `cpu`, saying why. A software adapter (lavapipe,
 *   SwiftShader: WebGPU's "fallback adapter") runs on the CPU far slower than WebAssembly, so `auto` passes it by;
 *   `--device gpu` still uses it (that is how CI tests the WebGPU path).
 *
 * tfjs falls back to another backend silently when one fails to initialise; after `setBackend` this module checks
 * `tf.getBackend()` and throws if it is not the one asked for, so a manifest never claims a GPU that was not used.
 */
import * as tf from "@tensorflow/tfjs";
import { registerMissingWasmKernels } from "./wasm-kernels.ts";

export type DeviceChoice = "auto" | "gpu" | "cpu";

export interface TrainingBackend {
  /** The tfjs backend actually in use: "webgpu" or "wasm". */
  backend: "webgpu" | "wasm";
  /** For people and manifests: the GPU adapter (vendor, architecture, device, description) or the CPU runtime. */
  adapter: string;
  /** Why this backend was chosen (e.g. "no WebGPU adapter: …" when `auto` fell back to the CPU). */
  reason: string;
}

export class DeviceError extends Error {
  override name = "DeviceError";
}

interface GpuProbe {
  adapter: GPUAdapterLike | null;
  error?: string;
}

/** The parts of a WebGPU adapter this module reads (Dawn's objects, typed loosely on purpose: no DOM lib in tools). */
interface GPUAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

async function probeGpu(): Promise<GpuProbe> {
  try {
    const { create, globals } = await import("webgpu");
    // tfjs-backend-webgpu reads the WebGPU globals (GPUBufferUsage, …) and navigator.gpu, as in a browser.
    Object.assign(globalThis, globals);
    const gpu = create([]);
    // Node 21+ has a global navigator (without gpu); Node 20 has none.
    const scope = globalThis as unknown as { navigator?: object };
    scope.navigator ??= {};
    Object.defineProperty(scope.navigator, "gpu", { value: gpu, configurable: true });
    const adapter = (await gpu.requestAdapter({ powerPreference: "high-performance" })) as GPUAdapterLike | null;
    return { adapter };
  } catch (err) {
    return { adapter: null, error: err instanceof Error ? err.message : String(err) };
  }
}

function describeAdapter(adapter: GPUAdapterLike): string {
  const info = adapter.info ?? {};
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((p) => p && p.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(" / ") : "unnamed WebGPU adapter";
}

async function activate(name: "webgpu" | "wasm"): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  const active = tf.getBackend();
  if (!ok || active !== name) {
    throw new DeviceError(`tfjs did not start the ${name} backend (it is running on '${active}' instead)`);
  }
}

async function useGpu(probe: GpuProbe): Promise<TrainingBackend> {
  if (!probe.adapter) {
    throw new DeviceError(
      `--device gpu: no WebGPU adapter found${probe.error ? ` (${probe.error})` : ""}. ` +
        "Dawn needs a GPU with a Vulkan driver (or a software one such as Mesa ≥ 25 lavapipe); use --device cpu to train on the CPU.",
    );
  }
  await import("@tensorflow/tfjs-backend-webgpu");
  await activate("webgpu");
  return { backend: "webgpu", adapter: describeAdapter(probe.adapter), reason: "" };
}

/** Registers tfjs-backend-wasm with the kernels it lacks, and makes it the active backend. */
async function startWasm(): Promise<void> {
  await import("@tensorflow/tfjs-backend-wasm");
  registerMissingWasmKernels();
  await activate("wasm");
}

async function useCpu(reason: string): Promise<TrainingBackend> {
  await startWasm();
  return { backend: "wasm", adapter: `WebAssembly SIMD on ${process.arch}, 1 thread`, reason };
}

export async function selectBackend(device: DeviceChoice): Promise<TrainingBackend> {
  if (device === "cpu") return useCpu("--device cpu");
  const probe = await probeGpu();
  if (device === "gpu") return { ...(await useGpu(probe)), reason: "--device gpu" };
  if (probe.adapter?.info?.isFallbackAdapter) {
    return useCpu(
      `auto: the only WebGPU adapter is a software one (${describeAdapter(probe.adapter)}), slower than WebAssembly; training on the CPU (--device gpu uses it anyway)`,
    );
  }
  if (probe.adapter) return { ...(await useGpu(probe)), reason: "auto: a WebGPU adapter was found" };
  return useCpu(`auto: no WebGPU adapter${probe.error ? ` (${probe.error})` : ""}, training on the CPU`);
}

/**
 * Runs `fn` on the wasm backend and switches back. The export check compares ONNX against tfjs's own predictions
 * computed this way even after GPU training: GPUs may reorder float sums (and WebGPU allows a few ULP of error
 * in exp), which is no fault of the export, while the wasm kernels are the same float32 arithmetic onnxruntime-web
 * does. tfjs moves the model's weights to the active backend when they are read.
 */
export async function onCpu<T>(fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  if (previous === "wasm") return fn();
  await startWasm();
  try {
    return await fn();
  } finally {
    await activate(previous as "webgpu" | "wasm");
  }
}
