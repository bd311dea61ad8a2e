/** Reads a request body once, refusing it with 413 past a byte limit (checked on Content-Length and while reading). */
import type { Context } from "hono";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export function maxBodyBytes(env: Env): number {
  const n = Number(env.MAX_BODY_BYTES);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_BODY_BYTES;
}

const tooLarge = (limit: number) =>
  new ApiError("PAYLOAD_TOO_LARGE", `request body is larger than the ${limit}-byte limit`);

export async function readBody(c: Context<AppEnv>): Promise<Uint8Array> {
  const limit = maxBodyBytes(c.env);
  const declared = Number(c.req.header("Content-Length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  // Stream with a running count, so a body without Content-Length (chunked) cannot grow past the limit in memory.
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
