import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fetchDirect } from "../helpers";

/** Valid requests, one per served model; the fuzzer breaks them in one to three places. */
const TEMPLATES: { model: string; body: { inputs: Record<string, unknown>[] } }[] = [
  {
    model: "iris",
    body: { inputs: [{ name: "features", shape: [2, 4], datatype: "FP32", data: [5, 3, 1, 0.2, 6, 3, 5, 2] }] },
  },
  {
    model: "iris-int8",
    body: { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [[5, 3, 1, 0.2]] }] },
  },
  {
    model: "datatypes",
    body: {
      inputs: [
        { name: "x_fp32", shape: [1, 2], datatype: "FP32", data: [1, 2] },
        { name: "x_fp64", shape: [1, 2], datatype: "FP64", data: [1, 2] },
        { name: "x_int64", shape: [1, 2], datatype: "INT64", data: [1, 2] },
        { name: "x_int32", shape: [1, 2], datatype: "INT32", data: [1, 2] },
        { name: "x_int8", shape: [1, 2], datatype: "INT8", data: [1, 2] },
        { name: "x_uint8", shape: [1, 2], datatype: "UINT8", data: [1, 2] },
        { name: "x_bool", shape: [1, 2], datatype: "BOOL", data: [true, false] },
      ],
    },
  },
];

const DATATYPES = ["FP32", "FP64", "INT64", "INT32", "INT8", "UINT8", "BOOL", "UINT64", "BYTES", "FP16", "fp32", ""];
const NAMES = ["features", "x_fp32", "x_int8", "x_bool", "x_int64", "probabilities", "y_int8", ""];

const scalar = fc.oneof(
  fc.double(),
  fc.integer({ min: -300, max: 300 }),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
  fc.constantFrom(2 ** 53, -(2 ** 63), 1e308, -0),
);
const data = fc.oneof(
  fc.array(scalar, { maxLength: 10 }),
  fc.array(fc.array(scalar, { maxLength: 4 }), { maxLength: 4 }),
  fc.array(fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 }), { maxLength: 2 }),
  scalar,
);
const dims = fc.oneof(
  fc.array(fc.integer({ min: -1, max: 66 }), { maxLength: 4 }),
  fc.array(fc.oneof(fc.double(), fc.string({ maxLength: 2 }), fc.constant(2 ** 60)), { maxLength: 3 }),
  fc.anything({ maxDepth: 1 }),
);

type Body = Record<string, unknown> & { inputs: Record<string, unknown>[] };

/** One way to break a request, applied to a deep copy of a template. */
const mutation: fc.Arbitrary<(body: Body) => void> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...NAMES), fc.string({ maxLength: 3 })).map(([i, n, s]) => (b: Body) => {
    const t = b.inputs[i % b.inputs.length];
    if (t) t.name = s.length > 0 ? n + s : n;
  }),
  fc.tuple(fc.nat(), dims).map(([i, shape]) => (b: Body) => {
    const t = b.inputs[i % b.inputs.length];
    if (t) t.shape = shape;
  }),
  fc
    .tuple(fc.nat(), fc.oneof(fc.constantFrom(...DATATYPES), fc.anything({ maxDepth: 1 })))
    .map(([i, d]) => (b: Body) => {
      const t = b.inputs[i % b.inputs.length];
      if (t) t.datatype = d;
    }),
  fc.tuple(fc.nat(), data).map(([i, d]) => (b: Body) => {
    const t = b.inputs[i % b.inputs.length];
    if (t) t.data = d;
  }),
  fc.tuple(fc.nat(), fc.constantFrom("name", "shape", "datatype", "data")).map(([i, key]) => (b: Body) => {
    const t = b.inputs[i % b.inputs.length];
    if (t) delete t[key];
  }),
  fc
    .tuple(fc.nat(), fc.oneof(fc.integer({ min: -1, max: 80 }), fc.anything({ maxDepth: 1 })))
    .map(([i, size]) => (b: Body) => {
      const t = b.inputs[i % b.inputs.length];
      if (t) t.parameters = { binary_data_size: size };
    }),
  fc.nat().map((i) => (b: Body) => {
    b.inputs.push({ ...b.inputs[i % b.inputs.length] });
  }),
  fc.nat().map((i) => (b: Body) => {
    b.inputs.splice(i % b.inputs.length, 1);
  }),
  fc
    .array(
      fc.record(
        { name: fc.constantFrom(...NAMES), parameters: fc.anything({ maxDepth: 1 }) },
        { requiredKeys: ["name"] },
      ),
      { maxLength: 3 },
    )
    .map((outputs) => (b: Body) => {
      b.outputs = outputs;
    }),
  fc.anything({ maxDepth: 1 }).map((v) => (b: Body) => {
    b.id = v;
  }),
  fc.anything({ maxDepth: 1 }).map((v) => (b: Body) => {
    b.parameters = { binary_data_output: v };
  }),
);

const jsonCase = fc.record({
  template: fc.nat({ max: TEMPLATES.length - 1 }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  trailing: fc.option(fc.uint8Array({ maxLength: 24 }), { nil: undefined }),
});

function isAcceptable(status: number) {
  // A mutation can leave a request valid (a datatype swapped for itself): 200 is fine. A 5xx never is.
  return status === 200 || (status >= 400 && status < 500);
}

describe("fuzzing POST /v2/models/{m}/infer", () => {
  it("never answers 5xx to 1,000 broken versions of valid requests (JSON and binary framing)", async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(jsonCase, async ({ template, mutations, trailing }) => {
        const { model, body } = TEMPLATES[template] as (typeof TEMPLATES)[number];
        const broken = structuredClone(body) as Body;
        for (const mutate of mutations) mutate(broken);
        const json = new TextEncoder().encode(JSON.stringify(broken));
        // Some cases carry binary bytes after the JSON, as the binary extension frames them.
        const payload = trailing ? new Uint8Array([...json, ...trailing]) : json;
        const headers: Record<string, string> = trailing
          ? { "Inference-Header-Content-Length": String(json.length) }
          : {};
        const res = await fetchDirect(`/v2/models/${model}/infer`, { method: "POST", headers, body: payload });
        const text = await res.text();
        expect(isAcceptable(res.status), `${res.status} ${text} for ${JSON.stringify(broken)}`).toBe(true);
        if (res.status !== 200) {
          expect(JSON.parse(text)).toEqual({ error: expect.any(String) });
          rejected++;
        }
      }),
      { numRuns: 1000, seed: 20261204 },
    );
    // The generator must mostly produce bad requests, or this test proves little.
    expect(rejected).toBeGreaterThan(800);
  });

  it("never answers 5xx to 300 random bodies and framings", async () => {
    const anyCase = fc.record({
      model: fc.constantFrom(...TEMPLATES.map((t) => t.model)),
      bytes: fc.oneof(
        fc.uint8Array({ maxLength: 128 }),
        fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
      ),
      headerLength: fc.option(fc.oneof(fc.nat({ max: 200 }).map(String), fc.string({ maxLength: 4 })), {
        nil: undefined,
      }),
    });
    await fc.assert(
      fc.asyncProperty(anyCase, async ({ model, bytes, headerLength }) => {
        const headers: Record<string, string> =
          headerLength === undefined ? {} : { "Inference-Header-Content-Length": headerLength };
        const res = await fetchDirect(`/v2/models/${model}/infer`, { method: "POST", headers, body: bytes });
        expect(isAcceptable(res.status), `${res.status} ${await res.text()}`).toBe(true);
      }),
      { numRuns: 300, seed: 20261204 },
    );
  });

  it("still serves afterwards", async () => {
    const res = await fetchDirect("/v2/models/iris/infer", {
      method: "POST",
      body: JSON.stringify(TEMPLATES[0]?.body),
    });
    expect(res.status).toBe(200);
  });
});
