/**
 * Runs ONNX models in Node with onnxruntime-web, the runtime the Worker uses, so fp32/int8 checks and golden
 * outputs computed here are what the Worker serves.
 */
import * as ort from "onnxruntime-web";
import type { Datatype } from "../../src/models/manifest.ts";

ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";

export type Feed = { datatype: Datatype; shape: number[]; data: ArrayLike<number | bigint | boolean> };

const ORT_TYPE: Record<Datatype, ort.Tensor.Type> = {
  BOOL: "bool",
  UINT8: "uint8",
  INT8: "int8",
  INT16: "int16",
  UINT16: "uint16",
  INT32: "int32",
  UINT32: "uint32",
  INT64: "int64",
  UINT64: "uint64",
  FP32: "float32",
  FP64: "float64",
};

function tensor(feed: Feed): ort.Tensor {
  const type = ORT_TYPE[feed.datatype];
  // Float32 data goes in as it is: evaluation and calibration feed whole dataset splits through here.
  if (type === "float32" && feed.data instanceof Float32Array) return new ort.Tensor(type, feed.data, feed.shape);
  const values = Array.from(feed.data);
  switch (type) {
    case "bool":
      return new ort.Tensor(
        type,
        Uint8Array.from(values, (v) => (v ? 1 : 0)),
        feed.shape,
      );
    case "int64":
      return new ort.Tensor(
        type,
        BigInt64Array.from(values, (v) => BigInt(v)),
        feed.shape,
      );
    case "uint64":
      return new ort.Tensor(
        type,
        BigUint64Array.from(values, (v) => BigInt(v)),
        feed.shape,
      );
    case "float32":
      return new ort.Tensor(type, Float32Array.from(values, Number), feed.shape);
    case "float64":
      return new ort.Tensor(type, Float64Array.from(values, Number), feed.shape);
    case "int8":
      return new ort.Tensor(type, Int8Array.from(values, Number), feed.shape);
    case "uint8":
      return new ort.Tensor(type, Uint8Array.from(values, Number), feed.shape);
    case "int16":
      return new ort.Tensor(type, Int16Array.from(values, Number), feed.shape);
    case "uint16":
      return new ort.Tensor(type, Uint16Array.from(values, Number), feed.shape);
    case "int32":
      return new ort.Tensor(type, Int32Array.from(values, Number), feed.shape);
    case "uint32":
      return new ort.Tensor(type, Uint32Array.from(values, Number), feed.shape);
    default:
      throw new Error(`unsupported datatype ${feed.datatype}`);
  }
}

/** A loaded model: `run` returns each output as plain numbers (booleans as 0/1, int64 as numbers). */
export async function loadModel(bytes: Uint8Array) {
  const session = await ort.InferenceSession.create(bytes);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: Record<string, Feed>): Promise<Record<string, { dims: number[]; data: number[] }>> {
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, tensor(v)]));
      const results = await session.run(ortFeeds);
      return Object.fromEntries(
        Object.entries(results).map(([k, t]) => [
          k,
          { dims: [...t.dims], data: Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v)) },
        ]),
      );
    },
    release: () => session.release(),
  };
}
