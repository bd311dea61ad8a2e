import { describe, expect, it } from "vitest";
import golden from "../fixtures/golden.json";
import { call, json, postJson, request } from "../helpers";

const [a, b] = golden.input as [number[], number[]];
const flower = (row: number[]) => ({
  sepal_length: row[0],
  sepal_width: row[1],
  petal_length: row[2],
  petal_width: row[3],
});

type Prediction = { label: string; score: number; top_k: { label: string; score: number }[] };
type PredictBody = { model: string; version: string; predictions: Prediction[] };

describe("GET /v1/models", () => {
  it("lists every served model with description, versions, metrics and price", async () => {
    const res = await request("/v1/models");
    expect(res.status).toBe(200);
    const { models } = await json<{ models: Record<string, unknown>[] }>(res);
    expect(models.map((m) => m.name)).toEqual(["datatypes", "digits", "iris", "iris-int8", "penguins", "seed-mlp"]);
    const iris = models.find((m) => m.name === "iris");
    expect(iris).toMatchObject({
      task: "classification",
      latest_version: "1",
      labels: ["setosa", "versicolor", "virginica"],
      predict: {
        input: { kind: "features", features: ["sepal_length", "sepal_width", "petal_length", "petal_width"] },
      },
      versions: [{ version: "1", quantization: "none", pricing: { units_per_request: 10, units_per_item: 1 } }],
    });
    expect(iris?.description).toEqual(expect.any(String));
    const versions = (iris?.versions ?? []) as { metrics: { fp32: { accuracy: number } } }[];
    expect(versions[0]?.metrics.fp32.accuracy).toBeGreaterThan(0.9);
  });

  it("describes one model", async () => {
    const res = await request("/v1/models/iris-int8");
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ name: "iris-int8", versions: [{ quantization: "dynamic-int8" }] });
  });

  it("answers 404 in the API envelope for an unknown model", async () => {
    const res = await request("/v1/models/nope");
    expect(res.status).toBe(404);
    const body = await json(res);
    expect(body).toEqual({
      error: {
        code: "NOT_FOUND",
        message: expect.stringMatching(/model 'nope' not found/),
        requestId: res.headers.get("X-Request-Id"),
      },
    });
  });
});

describe("POST /v1/models/{m}/predict", () => {
  it("labels named features with ranked scores", async () => {
    const res = await postJson("/v1/models/iris/predict", { instances: [flower(a)] });
    expect(res.status).toBe(200);
    const body = await json<PredictBody>(res);
    expect(body.model).toBe("iris");
    expect(body.version).toBe("1");
    const [p] = body.predictions;
    const expected = golden.iris[0] as number[];
    const best = expected.indexOf(Math.max(...expected));
    expect(p?.label).toBe(["setosa", "versicolor", "virginica"][best]);
    expect(p?.score).toBeCloseTo(expected[best] ?? 0, 5);
    expect(p?.top_k).toHaveLength(3);
    expect(p?.top_k.map((s) => s.score)).toEqual([...(p?.top_k.map((s) => s.score) ?? [])].sort((x, y) => y - x));
  });

  it("predicts a batch in one call, each instance as it would alone", async () => {
    const batch = await json<PredictBody>(
      await postJson("/v1/models/iris/predict", { instances: [flower(a), flower(b)] }),
    );
    const one = await json<PredictBody>(await postJson("/v1/models/iris/predict", { instances: [flower(b)] }));
    expect(batch.predictions).toHaveLength(2);
    expect(batch.predictions[1]).toEqual(one.predictions[0]);
  });

  it("honours top_k", async () => {
    const body = await json<PredictBody>(
      await postJson("/v1/models/iris-int8/predict", { instances: [flower(a)], top_k: 1 }),
    );
    expect(body.predictions[0]?.top_k).toHaveLength(1);
    expect(body.predictions[0]?.top_k[0]?.label).toBe(body.predictions[0]?.label);
  });

  it("serves a pinned version", async () => {
    const res = await postJson("/v1/models/iris/versions/1/predict", { instances: [flower(a)] });
    expect(res.status).toBe(200);
  });

  const errors: [string, string, unknown, RegExp][] = [
    ["a missing feature", "iris", { instances: [{ sepal_length: 5 }] }, /instances\[0\]\.sepal_width: missing/],
    [
      "an unknown feature",
      "iris",
      { instances: [{ ...flower(a), colour: 1 }] },
      /instances\[0\]: unknown feature 'colour'/,
    ],
    [
      "a string feature",
      "iris",
      { instances: [{ ...flower(a), petal_width: "wide" }] },
      /instances\[0\]\.petal_width: expected a number/,
    ],
    ["no instances", "iris", {}, /instances: expected an array/],
    ["an empty batch", "iris", { instances: [] }, /at least one instance/],
    [
      "too many instances",
      "iris",
      { instances: Array(65).fill(flower(a)) },
      /65 instances exceed model 'iris' max_batch_size 64/,
    ],
    ["a bad top_k", "iris", { instances: [flower(a)], top_k: 0 }, /top_k: expected a positive integer/],
    ["an unknown field", "iris", { instances: [flower(a)], inputs: [] }, /unknown field 'inputs'/],
    [
      "a model without a task API",
      "datatypes",
      { instances: [[1, 2]] },
      /no task API: use POST \/v2\/models\/datatypes\/infer/,
    ],
  ];

  it.each(errors)("rejects %s with 400 naming the field", async (_name, model, body, message) => {
    const res = await postJson(`/v1/models/${model}/predict`, body);
    expect(res.status).toBe(400);
    const { error } = await json<{ error: { code: string; message: string; requestId: string } }>(res);
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.message).toMatch(message);
    expect(error.requestId).toBe(res.headers.get("X-Request-Id"));
  });

  it("rejects malformed JSON with 400", async () => {
    const res = await call("/v1/models/iris/predict", { method: "POST", body: "{" });
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(/not valid JSON/);
  });
});
