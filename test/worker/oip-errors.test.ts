import { describe, expect, it } from "vitest";
import { binaryBody, call, json, postJson, request } from "../helpers";

const IRIS = "/v2/models/iris/infer";
const ok = { name: "features", shape: [1, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2] };
const withInput = (overrides: Record<string, unknown>) => ({ inputs: [{ ...ok, ...overrides }] });

function raw(body: BodyInit, headers: Record<string, string> = {}, path = IRIS): Promise<Response> {
  return call(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });
}

function framed(header: unknown, bytes: Uint8Array, headerLength?: string): Promise<Response> {
  const { body, headerLength: length } = binaryBody(header, bytes);
  return raw(body, { "Inference-Header-Content-Length": headerLength ?? String(length) });
}

type Case = [name: string, send: () => Promise<Response>, status: number, message: RegExp];

const cases: Case[] = [
  ["malformed JSON", () => raw('{"inputs": ['), 400, /not valid JSON/],
  ["an empty body", () => raw(""), 400, /empty/],
  ["a body that is not UTF-8", () => raw(new Uint8Array([0xff, 0xfe, 0x00])), 400, /UTF-8/],
  ["a JSON array instead of an object", () => postJson(IRIS, [ok]), 400, /expected a JSON object/],
  ["no inputs", () => postJson(IRIS, {}), 400, /^inputs: expected an array/],
  ["an empty inputs array", () => postJson(IRIS, { inputs: [] }), 400, /at least one input/],
  ["an input that is not an object", () => postJson(IRIS, { inputs: [42] }), 400, /inputs\[0\]: expected an object/],
  [
    "an unknown input name",
    () => postJson(IRIS, withInput({ name: "pixels" })),
    400,
    /inputs\[0\]\.name: .*no input 'pixels'/,
  ],
  ["a missing input name", () => postJson(IRIS, withInput({ name: undefined })), 400, /inputs\[0\]\.name/],
  [
    "the wrong datatype",
    () => postJson(IRIS, withInput({ datatype: "FP64" })),
    400,
    /inputs\[0\]\.datatype: .*FP32, got FP64/,
  ],
  [
    "an unknown datatype",
    () => postJson(IRIS, withInput({ datatype: "FLOAT" })),
    400,
    /inputs\[0\]\.datatype: 'FLOAT' is not supported/,
  ],
  [
    "BYTES, which no served model takes",
    () => postJson(IRIS, withInput({ datatype: "BYTES" })),
    400,
    /'BYTES' is not supported/,
  ],
  ["the wrong rank", () => postJson(IRIS, withInput({ shape: [4] })), 400, /inputs\[0\]\.shape: .*rank 2/],
  [
    "a wrong fixed dimension",
    () => postJson(IRIS, withInput({ shape: [1, 3], data: [1, 2, 3] })),
    400,
    /inputs\[0\]\.shape\[1\]: .*needs 4/,
  ],
  [
    "a negative dimension",
    () => postJson(IRIS, withInput({ shape: [-1, 4] })),
    400,
    /inputs\[0\]\.shape\[0\]: expected a non-negative integer/,
  ],
  [
    "a shape/data size mismatch",
    () => postJson(IRIS, withInput({ data: [1, 2, 3] })),
    400,
    /inputs\[0\]\.data: shape \[1, 4\] holds 4 elements, got 3/,
  ],
  [
    "ragged nested data",
    () =>
      postJson(
        IRIS,
        withInput({
          shape: [2, 4],
          data: [
            [1, 2, 3, 4],
            [1, 2],
          ],
        }),
      ),
    400,
    /inputs\[0\]\.data\[1\]: dimension 1/,
  ],
  [
    "a string where a number belongs",
    () => postJson(IRIS, withInput({ data: [1, "2", 3, 4] })),
    400,
    /inputs\[0\]\.data\[1\]: expected a number for FP32/,
  ],
  [
    "null in the data",
    () => postJson(IRIS, withInput({ data: [1, null, 3, 4] })),
    400,
    /inputs\[0\]\.data\[1\]: expected a number for FP32, got null/,
  ],
  [
    "neither data nor binary_data_size",
    () => postJson(IRIS, withInput({ data: undefined })),
    400,
    /neither 'data' nor parameters\.binary_data_size/,
  ],
  [
    "a missing input",
    () =>
      postJson("/v2/models/datatypes/infer", {
        inputs: [{ name: "x_int8", shape: [1, 2], datatype: "INT8", data: [1, 2] }],
      }),
    400,
    /missing inputs 'x_fp32'/,
  ],
  [
    "the same input twice",
    () => postJson(IRIS, { inputs: [ok, ok] }),
    400,
    /inputs\[1\]\.name: input 'features' is given more than once/,
  ],
  [
    "an unknown output in the filter",
    () => postJson(IRIS, { ...withInput({}), outputs: [{ name: "logits" }] }),
    400,
    /outputs\[0\]\.name: .*no output 'logits'/,
  ],
  [
    "an output filter that is not an array",
    () => postJson(IRIS, { ...withInput({}), outputs: "probabilities" }),
    400,
    /^outputs: expected an array/,
  ],
  ["a non-string id", () => postJson(IRIS, { id: 7, ...withInput({}) }), 400, /^id: expected a string/],
  [
    "a non-boolean binary_data_output",
    () => postJson(IRIS, { parameters: { binary_data_output: "yes" }, ...withInput({}) }),
    400,
    /parameters\.binary_data_output/,
  ],
  [
    "an INT8 value out of range",
    () =>
      postJson("/v2/models/datatypes/infer", {
        inputs: [{ name: "x_int8", shape: [1, 2], datatype: "INT8", data: [1, 300] }],
      }),
    400,
    /inputs\[0\]\.data\[1\]: expected an integer in \[-128, 127\] for INT8, got 300/,
  ],
  [
    "a fraction for an integer type",
    () =>
      postJson("/v2/models/datatypes/infer", {
        inputs: [{ name: "x_int32", shape: [1, 2], datatype: "INT32", data: [1.5, 2] }],
      }),
    400,
    /inputs\[0\]\.data\[0\]: expected an integer/,
  ],
  [
    "a number for BOOL",
    () =>
      postJson("/v2/models/datatypes/infer", {
        inputs: [{ name: "x_bool", shape: [1, 2], datatype: "BOOL", data: [1, 0] }],
      }),
    400,
    /expected true or false for BOOL/,
  ],
  [
    "a batch beyond max_batch_size",
    () => postJson(IRIS, withInput({ shape: [65, 4], data: Array(260).fill(1) })),
    400,
    /batch of 65 exceeds model 'iris' max_batch_size 64/,
  ],
  [
    "an empty batch",
    () => postJson(IRIS, withInput({ shape: [0, 4], data: [] })),
    400,
    /batch size must be at least 1/,
  ],
  [
    "a non-numeric Inference-Header-Content-Length",
    () => raw(JSON.stringify(withInput({})), { "Inference-Header-Content-Length": "ten" }),
    400,
    /Inference-Header-Content-Length: expected a non-negative integer/,
  ],
  [
    "an Inference-Header-Content-Length past the body",
    () => raw(JSON.stringify(withInput({})), { "Inference-Header-Content-Length": "100000" }),
    400,
    /larger than the .*-byte body/,
  ],
  [
    "binary_data_size that does not fit the shape",
    () =>
      framed(
        { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", parameters: { binary_data_size: 12 } }] },
        new Uint8Array(12),
      ),
    400,
    /binary_data_size: shape \[1, 4\] of FP32 is 16 bytes, got 12/,
  ],
  [
    "binary_data_size past the end of the body",
    () =>
      framed(
        { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", parameters: { binary_data_size: 16 } }] },
        new Uint8Array(8),
      ),
    400,
    /16 bytes wanted, only 8 left/,
  ],
  [
    "bytes no input claims",
    () =>
      framed(
        { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", parameters: { binary_data_size: 16 } }] },
        new Uint8Array(20),
      ),
    400,
    /4 bytes after the JSON header are not claimed/,
  ],
  [
    "both data and binary_data_size",
    () => framed({ inputs: [{ ...ok, parameters: { binary_data_size: 16 } }] }, new Uint8Array(16)),
    400,
    /both 'data' and parameters\.binary_data_size/,
  ],
  [
    "a binary BOOL byte other than 0 or 1",
    () =>
      framed(
        { inputs: [{ name: "x_bool", shape: [1, 2], datatype: "BOOL", parameters: { binary_data_size: 2 } }] },
        Uint8Array.of(1, 2),
      ),
    400,
    /BOOL byte 1 is 2/,
  ],
  [
    "a raw body that is not whole items",
    () => raw(new Uint8Array(10), { "Inference-Header-Content-Length": "0" }),
    400,
    /10 bytes is not a whole number of FP32 items/,
  ],
  [
    "a raw body for a model with several inputs",
    () => raw(new Uint8Array(8), { "Inference-Header-Content-Length": "0" }, "/v2/models/datatypes/infer"),
    400,
    /exactly one input/,
  ],
  ["an unknown model", () => postJson("/v2/models/nope/infer", withInput({})), 404, /model 'nope' not found/],
  [
    "an unknown version",
    () => postJson("/v2/models/iris/versions/2/infer", withInput({})),
    404,
    /model 'iris' has no version '2'/,
  ],
  [
    "a body over the size limit",
    () => raw(new Uint8Array(8 * 1024 * 1024 + 1)),
    413,
    /larger than the 8388608-byte limit/,
  ],
];

describe("malformed infer requests", () => {
  it.each(cases)("rejects %s with a 4xx naming the problem", async (_name, send, status, message) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = await json<{ error: unknown }>(res);
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error).toEqual(expect.any(String));
    expect(body.error).toMatch(message);
  });

  it("keeps serving after every one of them", async () => {
    for (const [, send] of cases) await send();
    const res = await postJson(IRIS, withInput({}));
    expect(res.status).toBe(200);
  });

  it("answers unknown routes with 404", async () => {
    const res = await request("/v2/models/iris/explain", { method: "POST" });
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: "no route for POST /v2/models/iris/explain" });
  });
});
