/** `GET /v1/usage`: the caller's own account usage, grouped by day or model. Free, never metered. */
import { Hono } from "hono";
import { metering } from "../billing/accounts";
import { parsePeriod } from "../billing/period";
import { invalid } from "../errors";
import { authenticate } from "../middleware/auth";
import type { AppEnv } from "../types";

export function usageRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", authenticate(), async (c) => {
    const groupBy = c.req.query("group_by") ?? "day";
    if (groupBy !== "day" && groupBy !== "model") {
      throw invalid(`group_by: expected 'day' or 'model', got ${JSON.stringify(groupBy)}`);
    }
    const period = parsePeriod(c.req.query("from"), c.req.query("to"));
    const caller = c.get("caller");
    const rows = await metering(() => caller.stub.usage(period.from, period.to, groupBy));
    return c.json({
      account: caller.accountName,
      from: new Date(period.from).toISOString(),
      to: new Date(period.to).toISOString(),
      group_by: groupBy,
      usage: rows.map((r) => ({ [groupBy]: r.group, requests: r.requests, units: r.units })),
      total: { requests: rows.reduce((n, r) => n + r.requests, 0), units: rows.reduce((n, r) => n + r.units, 0) },
    });
  });
  return app;
}
