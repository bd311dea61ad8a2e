import { describe, expect, it } from "vitest";
import { json, request } from "../helpers";

describe("GET /", () => {
  it("says what the server is and where its APIs are", async () => {
    const res = await request("/");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: "edgeinfer",
      models: ["datatypes", "digits", "iris", "iris-int8", "penguins", "seed-mlp"],
      apis: { task: { predict: "POST /v1/models/{model}/predict" } },
    });
  });
});

describe("GET /v2 (server metadata and health)", () => {
  it("names the server and the binary tensor extension", async () => {
    const res = await request("/v2");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: "edgeinfer",
      version: expect.any(String),
      extensions: ["binary_tensor_data"],
    });
  });

  it("is live", async () => {
    const res = await request("/v2/health/live");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ live: true });
  });

  it("is ready once every served model loads", async () => {
    const res = await request("/v2/health/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
  });

  it("gives every response an X-Request-Id", async () => {
    const a = (await request("/v2/health/live")).headers.get("X-Request-Id");
    const b = (await request("/v2/health/live")).headers.get("X-Request-Id");
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
});

describe("GET /v2/models/{m}[/versions/{v}]", () => {
  it("describes a model's inputs and outputs from its manifest", async () => {
    const res = await request("/v2/models/iris");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchInlineSnapshot(`
      {
        "inputs": [
          {
            "datatype": "FP32",
            "name": "features",
            "shape": [
              -1,
              4,
            ],
          },
        ],
        "name": "iris",
        "outputs": [
          {
            "datatype": "FP32",
            "name": "probabilities",
            "shape": [
              -1,
              3,
            ],
          },
        ],
        "parameters": {
          "max_batch_size": 64,
          "task": "classification",
        },
        "platform": "onnxruntime_onnx",
        "versions": [
          "1",
        ],
      }
    `);
  });

  it("describes a specific version", async () => {
    const res = await request("/v2/models/iris-int8/versions/1");
    expect(res.status).toBe(200);
    expect((await json(res)).name).toBe("iris-int8");
  });

  it("answers 404 naming an unknown model", async () => {
    const res = await request("/v2/models/nope");
    expect(res.status).toBe(404);
    expect((await json(res)).error).toMatch(/model 'nope' not found/);
  });

  it("answers 404 naming an unknown version", async () => {
    const res = await request("/v2/models/iris/versions/9");
    expect(res.status).toBe(404);
    expect((await json(res)).error).toMatch(/no version '9'/);
  });

  it("reports a model ready once its session loads", async () => {
    const res = await request("/v2/models/datatypes/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "datatypes", version: "1", ready: true });
    expect((await request("/v2/models/iris/versions/1/ready")).status).toBe(200);
  });
});
