import { describe, expect, it } from "vitest";
import { json, postJson, request } from "../helpers";

describe("smoke", () => {
  it("serves", async () => {
    const r = await request("/v2");
    console.log(await r.text());
    const r2 = await postJson("/v2/models/iris/infer", {
      inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2] }],
    });
    console.log(r2.status, await r2.text());
    const r3 = await postJson("/v1/models/iris-int8/predict", {
      instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }],
    });
    console.log(r3.status, await r3.text());
    const r4 = await request("/nope");
    console.log(r4.status, await r4.text());
    const r5 = await postJson("/v2/models/iris/infer", {
      inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [5.1, 3.5, 1.4] }],
    });
    console.log(r5.status, await r5.text(), JSON.stringify([...r5.headers]));
    expect(r2.status).toBe(200);
    void json;
  });
});
