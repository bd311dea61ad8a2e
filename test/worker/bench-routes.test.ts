import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MODELS } from "../../models/index";
import { createApp } from "../../src/app";
import { createRegistry } from "../../src/models/registry";
import { request } from "../helpers";

const body = JSON.stringify({
  inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2] }],
});

describe("/__bench routes", () => {
  it("do not exist unless BENCH_ROUTES is true (wrangler.toml keeps it false)", async () => {
    for (const path of ["/__bench/startup", "/__bench/latency/iris", "/__bench/v2/models/iris/infer"]) {
      expect(
        (
          await request(path, {
            method: path.endsWith("infer") ? "POST" : "GET",
            body: path.endsWith("infer") ? body : null,
          })
        ).status,
      ).toBe(404);
    }
  });

  it("time inference inside the isolate and serve an unmetered infer when enabled", async () => {
    const app = createApp(createRegistry(MODELS));
    const benchEnv = { ...env, BENCH_ROUTES: "true" };
    const latency = await app.request("/__bench/latency/iris-int8?batch=4&samples=3", {}, benchEnv);
    expect(latency.status).toBe(200);
    const timing = (await latency.json()) as { batch: number; callsPerSample: number; ms: number[] };
    expect(timing).toMatchObject({ batch: 4, ms: [expect.any(Number), expect.any(Number), expect.any(Number)] });
    expect(timing.callsPerSample).toBeGreaterThan(0);
    const infer = await app.request("/__bench/v2/models/iris/infer", { method: "POST", body }, benchEnv);
    expect(infer.status).toBe(200);
    expect(infer.headers.get("X-Billed-Units")).toBeNull();
  });
});
