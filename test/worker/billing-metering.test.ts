import { describe, expect, it } from "vitest";
import { admin, fetchDirect, json, newAccount, request } from "../helpers";

const rows = (n: number) => Array.from({ length: n }, (_, i) => [5 + (i % 3) * 0.5, 3.1, 1.4 + i * 0.1, 0.2]);
const irisBody = (n = 1, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...extra, inputs: [{ name: "features", shape: [n, 4], datatype: "FP32", data: rows(n).flat() }] });
/** iris's manifest price: 10 units per request + 1 per item. */
const price = (n: number) => 10 + n;

function infer(key: string, body = irisBody(), headers: Record<string, string> = {}) {
  return fetchDirect("/v2/models/iris/infer", {
    method: "POST",
    body,
    headers: { Authorization: `Bearer ${key}`, ...headers },
  });
}

async function usage(key: string) {
  const res = await request("/v1/usage?group_by=model", { headers: { Authorization: `Bearer ${key}` } });
  return json<{
    total: { requests: number; units: number };
    usage: { model: string; requests: number; units: number }[];
  }>(res);
}

describe("metering", () => {
  it("bills a served request once, at the manifest's price, and says so in headers", async () => {
    const a = await newAccount("standard", { monthlyQuota: 1000 });
    const res = await infer(a.key, irisBody(3));
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Billed-Units")).toBe(String(price(3)));
    expect(res.headers.get("X-Quota-Remaining")).toBe(String(1000 - price(3)));
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("RateLimit-Limit")).toBe("200");
    expect(Number(res.headers.get("RateLimit-Remaining"))).toBeLessThan(200);
    expect(await usage(a.key)).toMatchObject({
      total: { requests: 1, units: price(3) },
      usage: [{ model: "iris", requests: 1 }],
    });
  });

  it("prices the task API the same way", async () => {
    const a = await newAccount();
    const res = await fetchDirect("/v1/models/iris-int8/predict", {
      method: "POST",
      headers: { Authorization: `Bearer ${a.key}` },
      body: JSON.stringify({
        instances: Array(2).fill({ sepal_length: 5, sepal_width: 3, petal_length: 1, petal_width: 0.2 }),
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Billed-Units")).toBe(String(price(2)));
  });

  it("answers dry_run with the exact price it would bill, without running or billing", async () => {
    const a = await newAccount();
    const viaHeader = await json<{ units: number }>(await infer(a.key, irisBody(5), { "X-Dry-Run": "true" }));
    const viaParameter = await json<{ units: number; dry_run: boolean }>(
      await infer(a.key, irisBody(5, { parameters: { dry_run: true } })),
    );
    const viaPredict = await fetchDirect("/v1/models/iris/predict", {
      method: "POST",
      headers: { Authorization: `Bearer ${a.key}` },
      body: JSON.stringify({
        dry_run: true,
        instances: Array(5).fill({ sepal_length: 5, sepal_width: 3, petal_length: 1, petal_width: 0.2 }),
      }),
    });
    expect(viaHeader.units).toBe(price(5));
    expect(viaParameter).toMatchObject({ dry_run: true, units: price(5) });
    expect((await json<{ units: number }>(viaPredict)).units).toBe(price(5));
    expect((await usage(a.key)).total.requests).toBe(0);
    const real = await infer(a.key, irisBody(5));
    expect(Number(real.headers.get("X-Billed-Units"))).toBe(viaHeader.units);
  });

  it("refuses with 402 a request that costs more than max_units, and bills nothing", async () => {
    const a = await newAccount();
    const over = await infer(a.key, irisBody(3), { "X-Max-Units": String(price(3) - 1) });
    expect(over.status).toBe(402);
    expect(await over.json()).toMatchObject({
      error: `this request costs ${price(3)} units, more than max_units ${price(3) - 1}`,
    });
    const param = await infer(a.key, irisBody(3, { parameters: { max_units: 1 } }));
    expect(param.status).toBe(402);
    expect((await infer(a.key, irisBody(3), { "X-Max-Units": String(price(3)) })).status).toBe(200);
    expect((await usage(a.key)).total.requests).toBe(1);
  });

  it("bills neither rejected nor failed requests", async () => {
    const a = await newAccount();
    expect((await infer(a.key, "{not json")).status).toBe(400);
    expect(
      (await infer(a.key, JSON.stringify({ inputs: [{ name: "x", shape: [1], datatype: "FP32", data: [1] }] }))).status,
    ).toBe(400);
    const missing = await fetchDirect("/v2/models/nope/infer", {
      method: "POST",
      body: irisBody(),
      headers: { Authorization: `Bearer ${a.key}` },
    });
    expect(missing.status).toBe(404);
    expect((await infer(a.key, irisBody(1), { "X-Dry-Run": "maybe" })).status).toBe(400);
    expect(await usage(a.key)).toMatchObject({ total: { requests: 0, units: 0 } });
    const res = await infer(a.key);
    expect(res.headers.get("X-Quota-Remaining")).toBe(String(10_000_000 - price(1)));
  });
});

describe("idempotency", () => {
  it("replays a retried request's original response without billing it again", async () => {
    const a = await newAccount();
    const first = await infer(a.key, irisBody(2), { "Idempotency-Key": "order-1" });
    const retry = await infer(a.key, irisBody(2), { "Idempotency-Key": "order-1" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("X-Billed-Units")).toBe("0");
    expect(retry.headers.get("X-Original-Request-Id")).toBe(first.headers.get("X-Request-Id"));
    expect(await retry.text()).toBe(await first.text());
    expect((await usage(a.key)).total).toEqual({ requests: 1, units: price(2) });
  });

  it("replays binary responses byte for byte", async () => {
    const a = await newAccount();
    const body = irisBody(1, { outputs: [{ name: "probabilities", parameters: { binary_data: true } }] });
    const first = await infer(a.key, body, { "Idempotency-Key": "bin-1" });
    const retry = await infer(a.key, body, { "Idempotency-Key": "bin-1" });
    expect(retry.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(retry.headers.get("Inference-Header-Content-Length")).toBe(
      first.headers.get("Inference-Header-Content-Length"),
    );
    expect(new Uint8Array(await retry.arrayBuffer())).toEqual(new Uint8Array(await first.arrayBuffer()));
  });

  it("answers 422 when a key is reused with a different body", async () => {
    const a = await newAccount();
    await infer(a.key, irisBody(1), { "Idempotency-Key": "k" });
    const reused = await infer(a.key, irisBody(2), { "Idempotency-Key": "k" });
    expect(reused.status).toBe(422);
    expect((await usage(a.key)).total.requests).toBe(1);
  });

  it("does not bill a failed request, so its key can be retried", async () => {
    const a = await newAccount();
    const bad = JSON.stringify({ inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, 3] }] });
    expect((await infer(a.key, bad, { "Idempotency-Key": "f" })).status).toBe(400);
    expect((await infer(a.key, irisBody(), { "Idempotency-Key": "f" })).status).toBe(200);
  });

  it("200 concurrent requests with 40 retried keys bill exactly the 160 distinct ones", async () => {
    const a = await newAccount("standard", { rateLimit: { perSecond: 10_000, burst: 10_000 } });
    const keys = Array.from({ length: 160 }, (_, i) => `req-${i}`);
    const sends = [...keys, ...keys.slice(0, 40)].map((key) => infer(a.key, irisBody(1), { "Idempotency-Key": key }));
    const responses = await Promise.all(sends);
    const statuses = responses.map((r) => r.status);
    // A duplicate arriving while its original runs gets 409 (retry later); one arriving after gets the replay.
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const billed = responses.reduce((n, r) => n + Number(r.headers.get("X-Billed-Units") ?? 0), 0);
    expect(billed).toBe(160 * price(1));
    expect((await usage(a.key)).total).toEqual({ requests: 160, units: 160 * price(1) });
    const retries = await Promise.all(
      keys.slice(0, 40).map((key) => infer(a.key, irisBody(1), { "Idempotency-Key": key })),
    );
    expect(retries.every((r) => r.status === 200 && r.headers.get("Idempotent-Replayed") === "true")).toBe(true);
    expect((await usage(a.key)).total.requests).toBe(160);
  });

  it("rejects a malformed Idempotency-Key", async () => {
    const a = await newAccount();
    expect((await infer(a.key, irisBody(), { "Idempotency-Key": "x".repeat(256) })).status).toBe(400);
  });
});

describe("quotas, balances and rate limits", () => {
  it("an account with a quota of N requests gets exactly N of 50 concurrent ones", async () => {
    const n = 17;
    const a = await newAccount("standard", { monthlyQuota: n * price(1), rateLimit: { perSecond: 1000, burst: 1000 } });
    const responses = await Promise.all(Array.from({ length: 50 }, () => infer(a.key)));
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(ok).toHaveLength(n);
    expect(refused).toHaveLength(50 - n);
    const body = await json<{ error: string }>(refused[0] as Response);
    expect(body.error).toMatch(/monthly quota exhausted/);
    expect(Number(refused[0]?.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused[0]?.headers.get("X-Quota-Remaining")).toBe("0");
    expect((await usage(a.key)).total).toEqual({ requests: n, units: n * price(1) });
  });

  it("a prepaid account is debited and refused with 402 when its balance runs out", async () => {
    const a = await newAccount("prepaid");
    expect((await infer(a.key)).status).toBe(402);
    await admin(`/accounts/${a.name}/balance`, "POST", { units: 3 * price(1) + 5 });
    const results = await Promise.all(Array.from({ length: 6 }, () => infer(a.key)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    const refused = results.find((r) => r.status === 402);
    expect(refused?.headers.get("X-Balance-Remaining")).toBe("5");
    const info = await json<{ account: { balance: number } }>(await admin(`/accounts/${a.name}`));
    expect(info.account.balance).toBe(5);
  });

  it("rate-limits with 429, Retry-After and RateLimit headers", async () => {
    const a = await newAccount("standard", { rateLimit: { perSecond: 1, burst: 3 } });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await infer(a.key));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const limited = results[3] as Response;
    expect(limited.headers.get("Retry-After")).toBe("1");
    expect(limited.headers.get("RateLimit-Limit")).toBe("3");
    expect(limited.headers.get("RateLimit-Remaining")).toBe("0");
    expect((await usage(a.key)).total.requests).toBe(3);
  });

  it("applies a plan's per-model price", async () => {
    const a = await newAccount("standard", { modelPrices: { iris: { perRequest: 2, perItem: 5 } } });
    expect((await infer(a.key, irisBody(2))).headers.get("X-Billed-Units")).toBe("12");
  });
});
