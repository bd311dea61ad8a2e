/** Shared helpers for the workerd tests: requests against the Worker's default export. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../src/index";

export const BASE = "http://edgeinfer.test";

export function request(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/**
 * The same Worker, called in-process rather than through the `exports.default` service binding. For tests that
 * send hundreds of requests: each `exports.default.fetch` in one workerd instance gets slower than the last
 * (cloudflare/workers-sdk#15446: ~3 ms to ~100 ms after 500 requests), while the Worker itself answers in well
 * under a millisecond.
 */
export async function fetchDirect(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${BASE}${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return request(path, {
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
