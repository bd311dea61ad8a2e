import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MODELS } from "../../models/index";
import { createApp } from "../../src/app";
import type { Account } from "../../src/billing/account.do";
import { IDEMPOTENCY_RETENTION_MS } from "../../src/billing/account-schema";
import { accountStub } from "../../src/billing/accounts";
import { createRegistry } from "../../src/models/registry";
import { admin, fetchDirect, json, newAccount, request, type TestAccount } from "../helpers";

const irisBody = (n: number) =>
  JSON.stringify({ inputs: [{ name: "features", shape: [n, 4], datatype: "FP32", data: Array(n * 4).fill(1) }] });

function infer(key: string, model = "iris", n = 1, headers: Record<string, string> = {}) {
  return fetchDirect(`/v2/models/${model}/infer`, {
    method: "POST",
    body: irisBody(n),
    headers: { Authorization: `Bearer ${key}`, ...headers },
  });
}

let a: TestAccount;
const requestIds: string[] = [];

beforeAll(async () => {
  a = await newAccount();
  for (const [model, n] of [
    ["iris", 1],
    ["iris", 4],
    ["iris-int8", 2],
  ] as const) {
    const res = await infer(a.key, model, n);
    requestIds.push(res.headers.get("X-Request-Id") ?? "");
  }
});

describe("GET /v1/usage", () => {
  const get = (query: string) => request(`/v1/usage${query}`, { headers: { Authorization: `Bearer ${a.key}` } });

  it("groups the caller's usage by model", async () => {
    const body = await json(await get("?group_by=model"));
    expect(body).toMatchObject({
      account: a.name,
      group_by: "model",
      usage: [
        { model: "iris", requests: 2, units: 11 + 14 },
        { model: "iris-int8", requests: 1, units: 12 },
      ],
      total: { requests: 3, units: 37 },
    });
  });

  it("groups by day by default", async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(await json(await get(""))).toMatchObject({
      group_by: "day",
      usage: [{ day: today, requests: 3, units: 37 }],
    });
  });

  it("honours from and to", async () => {
    expect(await json(await get("?from=2020-01-01&to=2020-01-31"))).toMatchObject({
      usage: [],
      total: { requests: 0 },
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(await json(await get(`?from=${today}&to=${today}`))).toMatchObject({ total: { requests: 3 } });
  });

  it.each([
    ["?group_by=week", /group_by: expected 'day' or 'model'/],
    ["?from=yesterday", /from: expected an ISO date/],
    ["?from=2026-02-01&to=2026-01-01", /to: must be after from/],
  ])("rejects %s with 400", async (query, message) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect((await json<{ error: { message: string } }>(res)).error.message).toMatch(message);
  });
});

describe("admin usage and export", () => {
  it("reports usage per account", async () => {
    const body = await json<{ accounts: { account: string; requests: number; units: number }[] }>(
      await admin("/usage"),
    );
    expect(body.accounts.find((x) => x.account === a.name)).toMatchObject({ requests: 3, units: 37 });
  });

  it("exports Stripe meter events, one per request, identified by request id", async () => {
    const res = await admin("/usage/export?format=stripe");
    expect(res.headers.get("Content-Type")).toBe("application/x-ndjson");
    const events = (await res.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ours = events.filter((e) => requestIds.includes(e.identifier as string));
    expect(ours).toHaveLength(3);
    for (const e of ours) {
      expect(Object.keys(e).sort()).toEqual(["event_name", "identifier", "payload", "timestamp"]);
      expect(e.event_name).toBe("edgeinfer_units");
      expect(Number.isInteger(e.timestamp)).toBe(true);
      expect(Math.abs((e.timestamp as number) - Date.now() / 1000)).toBeLessThan(3600);
      expect(e.payload).toEqual({ stripe_customer_id: a.id, value: expect.stringMatching(/^\d+$/) });
    }
    expect(ours.map((e) => Number((e.payload as { value: string }).value)).sort()).toEqual([11, 12, 14]);
  });

  it("exports CloudEvents as OpenMeter ingests them, id = request id", async () => {
    const res = await admin("/usage/export?format=cloudevents");
    expect(res.headers.get("Content-Type")).toBe("application/cloudevents-batch+json");
    const events = (await res.json()) as Record<string, unknown>[];
    const ours = events.filter((e) => requestIds.includes(e.id as string));
    expect(ours).toHaveLength(3);
    for (const e of ours) {
      expect(e).toMatchObject({
        specversion: "1.0",
        source: "edgeinfer",
        type: "inference",
        subject: a.id,
        datacontenttype: "application/json",
      });
      expect(new Date(e.time as string).toISOString()).toBe(e.time);
      expect(e.data).toEqual({
        account: a.name,
        key_id: expect.stringMatching(/^key_/),
        model: expect.stringMatching(/^iris/),
        version: "1",
        batch_size: expect.any(Number),
        units: expect.any(Number),
      });
    }
  });

  it("exports the same events again on a re-export, so resending never double-counts", async () => {
    const ids = async () =>
      ((await (await admin("/usage/export?format=cloudevents")).json()) as { id: string }[]).map((e) => e.id);
    expect(await ids()).toEqual(await ids());
  });

  it("rejects an unknown format", async () => {
    expect((await admin("/usage/export?format=csv")).status).toBe(400);
  });
});

describe("idempotency retention", () => {
  it("keeps keys 7 days, then prunes them", async () => {
    const b = await newAccount();
    await infer(b.key, "iris", 1, { "Idempotency-Key": "old" });
    await infer(b.key, "iris", 1, { "Idempotency-Key": "recent" });
    const stub = accountStub(env, b.id);
    await runInDurableObject(stub, (_instance: Account, state) => {
      state.storage.sql.exec(
        "UPDATE idempotency SET created_at = created_at - ? WHERE key = 'old'",
        IDEMPOTENCY_RETENTION_MS + 60_000,
      );
      state.storage.sql.exec(
        "UPDATE idempotency SET created_at = created_at - ? WHERE key = 'recent'",
        IDEMPOTENCY_RETENTION_MS - 3600_000,
      );
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // The pruned key is free for a new request (billed again); the 6-day-old one still replays.
    const reused = await infer(b.key, "iris", 2, { "Idempotency-Key": "old" });
    expect(reused.status).toBe(200);
    expect(reused.headers.get("X-Billed-Units")).toBe("12");
    expect((await infer(b.key, "iris", 1, { "Idempotency-Key": "recent" })).headers.get("Idempotent-Replayed")).toBe(
      "true",
    );
  });
});

describe("failure policy", () => {
  it("fails closed: when the account store is unreachable the request is refused with 503, not served", async () => {
    // An outage of the Durable Object namespace, injected through the binding.
    const unreachable = {
      idFromName: env.ACCOUNTS.idFromName.bind(env.ACCOUNTS),
      get: () => new Proxy({}, { get: () => () => Promise.reject(new Error("Network connection lost.")) }),
    } as unknown as typeof env.ACCOUNTS;
    const app = createApp(createRegistry(MODELS));
    const res = await app.request(
      "/v2/models/iris/infer",
      { method: "POST", body: irisBody(1), headers: { Authorization: `Bearer ${a.key}` } },
      { ...env, ACCOUNTS: unreachable },
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "metering is unavailable: the request was not served and not billed" });
    expect(res.headers.get("Retry-After")).toBe("1");
  });
});
