import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MODELS } from "../../models/index";
import { createApp } from "../../src/app";
import { createRegistry } from "../../src/models/registry";
import { admin, json, newAccount, request, type TestAccount } from "../helpers";

const iris = { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2] }] };
const flower = { instances: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] };

/** Every route that needs a customer key, with a request that would succeed given a valid one. */
const PROTECTED: { route: string; init: () => RequestInit }[] = [
  { route: "/v2/models/iris/infer", init: () => ({ method: "POST", body: JSON.stringify(iris) }) },
  { route: "/v2/models/iris/versions/1/infer", init: () => ({ method: "POST", body: JSON.stringify(iris) }) },
  { route: "/v1/models/iris/predict", init: () => ({ method: "POST", body: JSON.stringify(flower) }) },
  { route: "/v1/models/iris/versions/1/predict", init: () => ({ method: "POST", body: JSON.stringify(flower) }) },
  { route: "/v1/usage", init: () => ({ method: "GET" }) },
];

/** Metadata routes: free and, with PUBLIC_METADATA = "false", protected like the rest. */
const METADATA = [
  "/v1/models",
  "/v1/models/iris",
  "/v2/models/iris",
  "/v2/models/iris/versions/1",
  "/v2/models/iris/ready",
];

let account: TestAccount;
let revoked: string;

beforeAll(async () => {
  account = await newAccount();
  const other = await newAccount();
  const res = await admin(`/accounts/${other.name}/keys`, "POST");
  const { key, id } = await json<{ key: string; id: string }>(res);
  expect((await admin(`/accounts/${other.name}/keys/${id}`, "DELETE")).status).toBe(200);
  revoked = key;
});

type AuthCase = [name: string, header: () => string | undefined, message: RegExp];

const AUTH_CASES: AuthCase[] = [
  ["no Authorization header", () => undefined, /missing API key/],
  ["a non-Bearer scheme", () => `Basic ${btoa("user:pass")}`, /malformed Authorization header/],
  ["a key without the ei_ format", () => "Bearer sk_live_123", /malformed API key/],
  [
    "a well-formed key of no account",
    () => "Bearer ei_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    /unknown API key/,
  ],
  ["a real account's id with a wrong secret", () => `Bearer ${account.key.slice(0, -4)}AAAA`, /unknown API key/],
  ["a revoked key", () => `Bearer ${revoked}`, /API key has been revoked/],
];

describe.each(PROTECTED)("$route", ({ route, init }) => {
  it.each(AUTH_CASES)("answers 401 to %s, and bills nothing", async (_name, header, message) => {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    const value = header();
    if (value !== undefined) headers.Authorization = value;
    const res = await request(route, { ...init(), headers });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(JSON.stringify(await res.json())).toMatch(message);
    expect(res.headers.get("X-Billed-Units")).toBeNull();
  });

  it("serves a valid key", async () => {
    const res = await request(route, { ...init(), headers: { Authorization: `Bearer ${account.key}` } });
    expect(res.status).toBe(200);
  });
});

describe('metadata routes with PUBLIC_METADATA = "false"', () => {
  const app = createApp(createRegistry(MODELS));
  const privateEnv = { ...env, PUBLIC_METADATA: "false" };

  it.each(METADATA)("%s needs a key", async (route) => {
    expect((await app.request(route, {}, privateEnv)).status).toBe(401);
    const res = await app.request(route, { headers: { Authorization: `Bearer ${revoked}` } }, privateEnv);
    expect(res.status).toBe(401);
  });

  it.each(METADATA)("%s is served, unbilled, with a valid key", async (route) => {
    const res = await app.request(route, { headers: { Authorization: `Bearer ${account.key}` } }, privateEnv);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Billed-Units")).toBeNull();
  });

  it("keeps health checks public", async () => {
    expect((await app.request("/v2/health/live", {}, privateEnv)).status).toBe(200);
  });
});

describe("another account's resources", () => {
  it("usage shows only the caller's own requests", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const infer = (key: string) =>
      request("/v2/models/iris/infer", {
        method: "POST",
        body: JSON.stringify(iris),
        headers: { Authorization: `Bearer ${key}` },
      });
    await infer(a.key);
    await infer(b.key);
    await infer(b.key);
    const usage = async (key: string) =>
      json<{ account: string; total: { requests: number } }>(
        await request("/v1/usage", { headers: { Authorization: `Bearer ${key}` } }),
      );
    expect(await usage(a.key)).toMatchObject({ account: a.name, total: { requests: 1 } });
    expect(await usage(b.key)).toMatchObject({ account: b.name, total: { requests: 2 } });
  });

  it("a customer key opens no admin route", async () => {
    for (const path of [
      "/admin/accounts",
      `/admin/accounts/${account.name}`,
      "/admin/usage",
      "/admin/usage/export?format=stripe",
    ]) {
      const res = await request(path, { headers: { Authorization: `Bearer ${account.key}` } });
      expect(res.status, path).toBe(401);
    }
  });
});

describe("admin API authentication", () => {
  const ADMIN_ROUTES: [string, string][] = [
    ["GET", "/admin/accounts"],
    ["POST", "/admin/accounts"],
    ["GET", "/admin/accounts/someone"],
    ["PATCH", "/admin/accounts/someone"],
    ["POST", "/admin/accounts/someone/balance"],
    ["POST", "/admin/accounts/someone/keys"],
    ["GET", "/admin/accounts/someone/keys"],
    ["DELETE", "/admin/accounts/someone/keys/key_1"],
    ["GET", "/admin/usage"],
    ["GET", "/admin/usage/export?format=cloudevents"],
  ];

  it.each(ADMIN_ROUTES)("%s %s refuses a missing or wrong admin token", async (method, path) => {
    expect((await request(path, { method })).status).toBe(401);
    const wrong = await request(path, { method, headers: { Authorization: "Bearer test-admin-tokeN" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });

  it("is closed when ADMIN_TOKEN is not set", async () => {
    const app = createApp(createRegistry(MODELS));
    const res = await app.request(
      "/admin/accounts",
      { headers: { Authorization: "Bearer " } },
      { ...env, ADMIN_TOKEN: "" },
    );
    expect(res.status).toBe(503);
  });
});
