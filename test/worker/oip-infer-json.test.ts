import { describe, expect, it } from "vitest";
import golden from "../fixtures/golden.json";
import { json, postJson } from "../helpers";
import { maxAbsDiff } from "../tolerance";

type Output = { name: string; datatype: string; shape: number[]; data: (number | boolean)[] };
type InferBody = { model_name: string; model_version: string; id?: string; outputs: Output[] };

const irisInput = (rows: number[][]) => ({
  inputs: [{ name: "features", shape: [rows.length, 4], datatype: "FP32", data: rows.flat() }],
});

async function infer(model: string, body: unknown): Promise<InferBody> {
  const res = await postJson(`/v2/models/${model}/infer`, body);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<InferBody>(res);
}

function expectClose(actual: readonly (number | boolean)[], expected: readonly number[], tolerance: number) {
  expect(actual).toHaveLength(expected.length);
  expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(tolerance);
}

describe("POST /v2/models/{m}/infer with JSON tensors", () => {
  it.each(["iris", "iris-int8"] as const)(
    "%s matches onnxruntime-web in Node within 1e-5 (golden outputs)",
    async (model) => {
      const body = await infer(model, irisInput(golden.input));
      expect(body.model_name).toBe(model);
      expect(body.model_version).toBe("1");
      const [out] = body.outputs;
      expect(out?.shape).toEqual([golden.input.length, 3]);
      expectClose(out?.data ?? [], golden[model].flat(), 1e-5);
    },
  );

  it("iris fp32 matches the float64 reference implementation within 1e-5", async () => {
    const body = await infer("iris", irisInput(golden.input));
    expectClose(body.outputs[0]?.data ?? [], golden.reference.flat(), 1e-5);
  });

  it("treats nested data the same as flat data", async () => {
    const flat = await infer("iris", irisInput(golden.input.slice(0, 2)));
    const nested = await infer("iris", {
      inputs: [{ name: "features", shape: [2, 4], datatype: "FP32", data: golden.input.slice(0, 2) }],
    });
    expect(nested.outputs).toEqual(flat.outputs);
  });

  it("answers a batch of 2 exactly as two single requests", async () => {
    const [a, b] = golden.input;
    const batch = await infer("iris", irisInput([a ?? [], b ?? []]));
    const one = await infer("iris", irisInput([a ?? []]));
    const two = await infer("iris", irisInput([b ?? []]));
    expect(batch.outputs[0]?.data).toEqual([...(one.outputs[0]?.data ?? []), ...(two.outputs[0]?.data ?? [])]);
  });

  it("echoes the request id", async () => {
    const body = await infer("iris", { id: "req-42", ...irisInput([golden.input[0] ?? []]) });
    expect(body.id).toBe("req-42");
  });

  it("leaves id out when the request has none", async () => {
    const body = await infer("iris", irisInput([golden.input[0] ?? []]));
    expect(body).not.toHaveProperty("id");
  });

  it("accepts request, input and output parameters it does not use", async () => {
    const body = await infer("iris", {
      parameters: { priority: 1, custom: "x" },
      inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: golden.input[0], parameters: { note: "n" } }],
      outputs: [{ name: "probabilities", parameters: { classification: 0 } }],
    });
    expect(body.outputs).toHaveLength(1);
  });

  it("serves a versioned URL", async () => {
    const res = await postJson("/v2/models/iris/versions/1/infer", irisInput([golden.input[0] ?? []]));
    expect(res.status).toBe(200);
  });
});

const DATATYPES_REQUEST = {
  inputs: [
    { name: "x_fp32", shape: [2, 2], datatype: "FP32", data: [1.5, -2, 0, 3.25] },
    { name: "x_fp64", shape: [2, 2], datatype: "FP64", data: [0.1, -1e300, 2.5, 7] },
    { name: "x_int64", shape: [2, 2], datatype: "INT64", data: [-5, 9007199254740990, 0, 41] },
    { name: "x_int32", shape: [2, 2], datatype: "INT32", data: [-2147483648, 2147483646, 0, 7] },
    { name: "x_int8", shape: [2, 2], datatype: "INT8", data: [-127, 127, 0, 5] },
    { name: "x_uint8", shape: [2, 2], datatype: "UINT8", data: [0, 255, 128, 1] },
    { name: "x_bool", shape: [2, 2], datatype: "BOOL", data: [true, false, false, true] },
  ],
};

describe("every datatype (the datatypes model)", () => {
  it("computes each lane exactly", async () => {
    const body = await infer("datatypes", DATATYPES_REQUEST);
    const byName = Object.fromEntries(body.outputs.map((o) => [o.name, o]));
    expect(byName.y_fp32).toEqual({ name: "y_fp32", datatype: "FP32", shape: [2, 2], data: [3, -4, 0, 6.5] });
    expect(byName.y_fp64?.data).toEqual([0.2, -2e300, 5, 14]);
    expect(byName.y_int64?.data).toEqual([-4, 9007199254740991, 1, 42]);
    expect(byName.y_int32?.data).toEqual([-2147483647, 2147483647, 1, 8]);
    expect(byName.y_int8?.data).toEqual([127, -127, 0, -5]);
    expect(byName.y_uint8?.data).toEqual([0, 255, 128, 1]);
    expect(byName.y_bool).toEqual({
      name: "y_bool",
      datatype: "BOOL",
      shape: [2, 2],
      data: [false, true, true, false],
    });
  });

  it("returns only the outputs the filter names, in its order", async () => {
    const body = await infer("datatypes", { ...DATATYPES_REQUEST, outputs: [{ name: "y_int8" }, { name: "y_bool" }] });
    expect(body.outputs.map((o) => o.name)).toEqual(["y_int8", "y_bool"]);
    expect(body.outputs[0]?.data).toEqual([127, -127, 0, -5]);
  });

  it("returns every output when there is no filter", async () => {
    const body = await infer("datatypes", DATATYPES_REQUEST);
    expect(body.outputs.map((o) => o.name).sort()).toEqual(
      ["y_bool", "y_fp32", "y_fp64", "y_int32", "y_int64", "y_int8", "y_uint8"].sort(),
    );
  });
});
