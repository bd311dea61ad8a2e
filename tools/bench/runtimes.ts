/** In-runtime latency in Node: onnxruntime-web (the Worker's runtime, in V8) and onnxruntime-node (native). */
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { type BenchModel, floatInput } from "./models.ts";
import { type Latency, latency, timeCalls } from "./stats.ts";

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = "error";

type Runtime = typeof ortWeb | typeof ortNode;

async function measure(
  ort: Runtime,
  options: object,
  model: BenchModel,
  batch: number,
  iterations: number,
): Promise<Latency> {
  const session = await ort.InferenceSession.create(model.bytes, options);
  const { name, shape, data } = floatInput(model.manifest, batch);
  const feeds = { [name]: new ort.Tensor("float32", data, shape) };
  const ms = await timeCalls(() => session.run(feeds), iterations, Math.min(50, iterations));
  await session.release();
  return latency(ms);
}

/** onnxruntime-web in Node: the same wasm build the Worker runs, single-threaded. */
export const ortWebLatency = (model: BenchModel, batch: number, iterations: number) =>
  measure(ortWeb, { graphOptimizationLevel: "all" }, model, batch, iterations);

/** onnxruntime-node on one thread: the native upper bound on this CPU for a single-threaded isolate. */
export const ortNodeLatency = (model: BenchModel, batch: number, iterations: number) =>
  measure(
    ortNode,
    { graphOptimizationLevel: "all", intraOpNumThreads: 1, interOpNumThreads: 1 },
    model,
    batch,
    iterations,
  );
