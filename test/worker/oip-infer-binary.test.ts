import { describe, expect, it } from "vitest";
import golden from "../fixtures/golden.json";
import { binaryBody, call, json, postJson, splitBinary } from "../helpers";

const rows = golden.input.slice(0, 2);
const features = Float32Array.from(rows.flat());

function postBinary(model: string, header: unknown, ...chunks: ArrayBufferView[]): Promise<Response> {
  const { body, headerLength } = binaryBody(header, ...chunks);
  return call(`/v2/models/${model}/infer`, {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream", "Inference-Header-Content-Length": String(headerLength) },
    body,
  });
}

async function jsonProbabilities(): Promise<number[]> {
  const res = await postJson("/v2/models/iris/infer", {
    inputs: [{ name: "features", shape: [2, 4], datatype: "FP32", data: rows.flat() }],
  });
  const body = await json<{ outputs: { data: number[] }[] }>(res);
  return body.outputs[0]?.data ?? [];
}

describe("binary tensor data extension", () => {
  it("reads a binary input and answers in JSON by default", async () => {
    const res = await postBinary(
      "iris",
      {
        inputs: [
          { name: "features", shape: [2, 4], datatype: "FP32", parameters: { binary_data_size: features.byteLength } },
        ],
      },
      features,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
    const body = await json<{ outputs: { data: number[] }[] }>(res);
    expect(body.outputs[0]?.data).toEqual(await jsonProbabilities());
  });

  it("returns an output as binary when its binary_data parameter asks", async () => {
    const res = await postBinary(
      "iris",
      {
        inputs: [{ name: "features", shape: [2, 4], datatype: "FP32", parameters: { binary_data_size: 32 } }],
        outputs: [{ name: "probabilities", parameters: { binary_data: true } }],
      },
      features,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/octet-stream");
    const { header, binary } = await splitBinary(res);
    expect(header.outputs).toEqual([
      { name: "probabilities", datatype: "FP32", shape: [2, 3], parameters: { binary_data_size: 24 } },
    ]);
    const values = new Float32Array(binary.slice().buffer);
    expect(Array.from(values)).toEqual(await jsonProbabilities());
  });

  it("returns every output as binary with binary_data_output, unless an output overrides it", async () => {
    const x = { fp32: Float32Array.of(1, 2, 3, 4), bool: Uint8Array.of(1, 0, 0, 1) };
    const res = await postBinary(
      "datatypes",
      {
        parameters: { binary_data_output: true },
        inputs: [
          { name: "x_fp32", shape: [2, 2], datatype: "FP32", parameters: { binary_data_size: 16 } },
          { name: "x_fp64", shape: [2, 2], datatype: "FP64", data: [1, 2, 3, 4] },
          { name: "x_int64", shape: [2, 2], datatype: "INT64", data: [1, 2, 3, 4] },
          { name: "x_int32", shape: [2, 2], datatype: "INT32", data: [1, 2, 3, 4] },
          { name: "x_int8", shape: [2, 2], datatype: "INT8", data: [1, 2, 3, 4] },
          { name: "x_uint8", shape: [2, 2], datatype: "UINT8", data: [1, 2, 3, 4] },
          { name: "x_bool", shape: [2, 2], datatype: "BOOL", parameters: { binary_data_size: 4 } },
        ],
        outputs: [{ name: "y_fp32" }, { name: "y_bool" }, { name: "y_int64", parameters: { binary_data: false } }],
      },
      x.fp32,
      x.bool,
    );
    expect(res.status).toBe(200);
    const { header, binary } = await splitBinary(res);
    expect(header.outputs).toEqual([
      { name: "y_fp32", datatype: "FP32", shape: [2, 2], parameters: { binary_data_size: 16 } },
      { name: "y_bool", datatype: "BOOL", shape: [2, 2], parameters: { binary_data_size: 4 } },
      { name: "y_int64", datatype: "INT64", shape: [2, 2], data: [2, 3, 4, 5] },
    ]);
    expect(Array.from(new Float32Array(binary.slice(0, 16).buffer))).toEqual([2, 4, 6, 8]);
    expect(Array.from(binary.slice(16, 20))).toEqual([0, 1, 1, 0]);
    expect(binary.length).toBe(20);
  });

  it("carries 64-bit integers beyond 2^53 exactly in binary", async () => {
    const big = BigInt64Array.of(2n ** 62n, -(2n ** 60n), 0n, 1n);
    const res = await postBinary(
      "datatypes",
      {
        inputs: [
          { name: "x_fp32", shape: [2, 2], datatype: "FP32", data: [0, 0, 0, 0] },
          { name: "x_fp64", shape: [2, 2], datatype: "FP64", data: [0, 0, 0, 0] },
          { name: "x_int64", shape: [2, 2], datatype: "INT64", parameters: { binary_data_size: 32 } },
          { name: "x_int32", shape: [2, 2], datatype: "INT32", data: [0, 0, 0, 0] },
          { name: "x_int8", shape: [2, 2], datatype: "INT8", data: [0, 0, 0, 0] },
          { name: "x_uint8", shape: [2, 2], datatype: "UINT8", data: [0, 0, 0, 0] },
          { name: "x_bool", shape: [2, 2], datatype: "BOOL", data: [true, true, true, true] },
        ],
        outputs: [{ name: "y_int64", parameters: { binary_data: true } }],
      },
      big,
    );
    expect(res.status).toBe(200);
    const { binary } = await splitBinary(res);
    expect(Array.from(new BigInt64Array(binary.slice().buffer))).toEqual([2n ** 62n + 1n, -(2n ** 60n) + 1n, 1n, 2n]);
  });

  it("takes a raw body (Inference-Header-Content-Length: 0) as the single input, inferring the batch", async () => {
    const res = await call("/v2/models/iris/infer", {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream", "Inference-Header-Content-Length": "0" },
      body: features,
    });
    expect(res.status).toBe(200);
    const body = await json<{ outputs: { shape: number[]; data: number[] }[] }>(res);
    expect(body.outputs[0]?.shape).toEqual([2, 3]);
    expect(body.outputs[0]?.data).toEqual(await jsonProbabilities());
  });
});
