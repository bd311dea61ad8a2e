/**
 * Gives every request a server-generated id, stored as `c.var.requestId` and returned in `X-Request-Id`.
 * Client-sent ids are not reused: the id keys ledger rows and exports, so it must be unique and ours.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types";

export const REQUEST_ID_HEADER = "X-Request-Id";

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function assignRequestId(c, next) {
    const id = crypto.randomUUID();
    c.set("requestId", id);
    await next();
    c.header(REQUEST_ID_HEADER, id);
  };
}
