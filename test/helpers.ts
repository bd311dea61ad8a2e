/** Shared helpers for the workerd tests: requests against the Worker's default export. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../src/index";

export const BASE = "http://edgeinfer.test";

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/** A request to the admin API, with the test admin token. */
export function admin(path: string, method = "GET", body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return request(`/admin${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

export interface TestAccount {
  readonly name: string;
  readonly id: string;
  readonly key: string;
}

let accounts = 0;

/** A fresh account (unique name) with one API key, created through the admin API. */
export async function newAccount(plan = "standard", overrides: Record<string, unknown> = {}): Promise<TestAccount> {
  const name = `test-${Date.now().toString(36)}-${accounts++}`;
  const created = await admin("/accounts", "POST", { name, plan, overrides });
  if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${await created.text()}`);
  const { account } = (await created.json()) as { account: { id: string } };
  const keyRes = await admin(`/accounts/${name}/keys`, "POST");
  const { key } = (await keyRes.json()) as { key: string };
  return { name, id: account.id, key };
}

let shared: Promise<TestAccount> | undefined;

/**
 * The key most protocol tests call with: an account without quota or practical rate limit, so those tests are
 * about the protocol. Billing behaviour is tested with accounts of its own (test/worker/billing-*.test.ts).
 */
export async function testKey(): Promise<string> {
  shared ??= newAccount("standard", { monthlyQuota: null, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } });
  return (await shared).key;
}

/** A request with the test key. */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("Authorization")) headers.set("Authorization", `Bearer ${await testKey()}`);
  return request(path, { ...init, headers });
}

/**
 * The same Worker, called in-process rather than through the `exports.default` service binding. For tests that
 * send hundreds of requests: each `exports.default.fetch` in one workerd instance gets slower than the last
 * (cloudflare/workers-sdk#15446: ~3 ms to ~100 ms after 500 requests), while the Worker itself answers in well
 * under a millisecond.
 */
export async function fetchDirect(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("Authorization")) headers.set("Authorization", `Bearer ${await testKey()}`);
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${BASE}${path}`, { ...init, headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** POSTs JSON with the test key (or the Authorization header given). */
export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

const encoder = new TextEncoder();

/** A binary-extension body: the JSON header, then each chunk of tensor bytes in order. */
export function binaryBody(
  header: unknown,
  ...chunks: ArrayBufferView[]
): { body: Uint8Array<ArrayBuffer>; headerLength: number } {
  const head = encoder.encode(JSON.stringify(header));
  const total = head.length + chunks.reduce((n, c) => n + c.byteLength, 0);
  const body = new Uint8Array(total);
  body.set(head, 0);
  let offset = head.length;
  for (const c of chunks) {
    body.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), offset);
    offset += c.byteLength;
  }
  return { body, headerLength: head.length };
}

/** Splits a binary-extension response into its JSON header and the bytes after it. */
export async function splitBinary(
  response: Response,
): Promise<{ header: Record<string, unknown>; binary: Uint8Array }> {
  const length = Number(response.headers.get("Inference-Header-Content-Length"));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, length))) as Record<string, unknown>;
  return { header, binary: bytes.subarray(length) };
}

/** The iris test samples whose golden outputs tools/default-models.ts wrote. */
export const IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"] as const;
