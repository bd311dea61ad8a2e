/** The admin API's guard: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. Fails closed when unset. */
import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async function authenticateAdmin(c, next) {
    const token = c.env.ADMIN_TOKEN;
    if (!token) throw new ApiError("UNAVAILABLE", "the admin API is disabled: ADMIN_TOKEN is not set");
    const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
    if (!given || !(await timingSafeEqual(given, token))) {
      throw new ApiError("UNAUTHORIZED", "admin API: missing or wrong admin token", {
        "WWW-Authenticate": 'Bearer realm="edgeinfer-admin"',
      });
    }
    await next();
  };
}
