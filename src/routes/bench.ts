/**
 * Benchmark routes for `npm run bench`, mounted under /__bench and answering only when BENCH_ROUTES is "true"
 * (the bench sets it for its own local workerd; wrangler.toml keeps it "false", so deployed Workers 404). They
 * time inference inside the isolate, which is only meaningful where the clock advances during CPU work: locally.
 */
import { Hono } from "hono";
import { ApiError, invalid } from "../errors";
import { ort } from "../inference/runtime";
import { getSession } from "../inference/sessions";
import { startup } from "../inference/startup";
import type { Registry } from "../models/registry";
import { DATATYPE_INFO, type TensorArray } from "../oip/datatypes";
import type { AppEnv } from "../types";
import { decodeInfer, runInfer } from "./oip";

function positiveInt(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw invalid(`${name}: expected an integer in [1, ${max}]`);
  return n;
}

export function benchRoutes(registry: Registry) {
  const app = new Hono<AppEnv>();
  app.use(async function benchOnly(c, next) {
    if (c.env.BENCH_ROUTES !== "true") throw new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
    await next();
  });

  /** Start-up timings of this isolate: ORT start, and session creation per model loaded so far. */
  app.get("/startup", (c) => {
    const { wasmMemory, ...timings } = startup;
    return c.json({ ...timings, wasmMemoryBytes: wasmMemory?.buffer.byteLength ?? null });
  });

  /** Session runs on fixed inputs of `batch` items, timed inside the isolate: `samples` means of ~10 ms runs. */
  app.get("/latency/:model", async (c) => {
    const entry = registry.resolve(c.req.param("model"));
    const batch = positiveInt(c.req.query("batch"), "batch", 1, Math.max(1, entry.manifest.maxBatchSize));
    const samples = positiveInt(c.req.query("samples"), "samples", 30, 1000);
    const session = await getSession(entry);
    const { Tensor } = await ort();
    const feeds = Object.fromEntries(
      entry.manifest.inputs.map((spec) => {
        const shape = spec.shape.map((d, i) => (d === -1 ? (i === 0 ? batch : 1) : d));
        const info = DATATYPE_INFO[spec.datatype];
        const data: TensorArray = info.alloc(shape.reduce((a, b) => a * b, 1));
        for (let i = 0; i < data.length; i++) {
          if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(i % 2);
          else data[i] = info.range ? i % 2 : Math.random() * 4;
        }
        return [spec.name, new Tensor(info.ort, data, shape)];
      }),
    );
    // workerd's clock moves only between I/O events and in whole milliseconds (workerd#3288), even locally. So
    // each sample times a run of `k` calls, long enough (~10 ms) for millisecond ticks, and yields to a timer
    // after it so the clock moves; a sample's value is the mean call time of its run.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
    await tick();
    let t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < 50) {
      for (let i = 0; i < 10; i++) await session.run(feeds);
      calls += 10;
      await tick();
    }
    const k = Math.max(1, Math.ceil((10 * calls) / (performance.now() - t0)));
    const ms: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      await tick();
      t0 = performance.now();
      for (let i = 0; i < k; i++) await session.run(feeds);
      await tick();
      ms.push((performance.now() - t0) / k);
    }
    return c.json({ model: entry.manifest.name, batch, callsPerSample: k, ms });
  });

  /** The OIP infer route without authentication or metering: the "billing off" line of the HTTP bench. */
  for (const prefix of ["/v2/models/:name", "/v2/models/:name/versions/:version"]) {
    app.post(`${prefix}/infer`, decodeInfer(registry), runInfer);
  }
  return app;
}
