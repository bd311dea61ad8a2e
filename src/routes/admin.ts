/**
 * The admin API under /admin (bearer ADMIN_TOKEN): accounts and their plans, balances and keys; usage across
 * accounts; and the ledger export for invoicing.
 */
import { type Context, Hono } from "hono";
import type { LedgerRow } from "../billing/account-types";
import { accountStub, directoryStub, metering } from "../billing/accounts";
import { cloudEvent, stripeMeterEvent } from "../billing/export";
import { newAccountId } from "../billing/keys";
import { parsePeriod } from "../billing/period";
import { parsePlanInput } from "../billing/plan-input";
import { ApiError, invalid } from "../errors";
import { describe, isObject } from "../json";
import { adminAuth } from "../middleware/admin-auth";
import { readBody } from "../middleware/body";
import { parseJsonText } from "../oip/body";
import type { AppEnv } from "../types";

async function jsonBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const body = parseJsonText(await readBody(c), "request body");
  if (!isObject(body)) throw invalid(`request body: expected a JSON object, got ${describe(body)}`);
  return body;
}

/** The named account's Durable Object; 404 when the directory does not know the name. */
async function findAccount(c: Context<AppEnv>) {
  const name = c.req.param("name") ?? "";
  const entry = await metering(() => directoryStub(c.env).find(name));
  if (!entry) throw new ApiError("NOT_FOUND", `account '${name}' not found`);
  return accountStub(c.env, entry.id);
}

export function adminRoutes() {
  const app = new Hono<AppEnv>();
  app.use(adminAuth());

  app.post("/accounts", async (c) => {
    const body = await jsonBody(c);
    const name = body.name;
    if (typeof name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
      throw invalid(`name: expected 1–64 letters, digits, '.', '_' or '-', got ${describe(name)}`);
    }
    const plan = parsePlanInput(body);
    const id = newAccountId();
    const entry = await metering(() => directoryStub(c.env).add(id, name));
    if (!entry) throw new ApiError("CONFLICT", `account '${name}' already exists`);
    try {
      const account = await metering(() => accountStub(c.env, id).init(id, name, plan));
      return c.json({ account }, 201);
    } catch (err) {
      await directoryStub(c.env).remove(id);
      throw err;
    }
  });

  app.get("/accounts", async (c) => {
    const entries = await metering(() => directoryStub(c.env).list());
    const accounts = await metering(() => Promise.all(entries.map((e) => accountStub(c.env, e.id).info())));
    return c.json({ accounts });
  });

  app.get("/accounts/:name", async (c) => {
    const stub = await findAccount(c);
    const [account, keys] = await metering(() => Promise.all([stub.info(), stub.listKeys()]));
    return c.json({ account, keys });
  });

  app.patch("/accounts/:name", async (c) => {
    const stub = await findAccount(c);
    const current = await metering(() => stub.info());
    const plan = parsePlanInput(await jsonBody(c), current.plan);
    return c.json({ account: await metering(() => stub.setPlan(plan)) });
  });

  app.post("/accounts/:name/balance", async (c) => {
    const stub = await findAccount(c);
    const { units } = await jsonBody(c);
    if (typeof units !== "number" || !Number.isSafeInteger(units) || units <= 0) {
      throw invalid(`units: expected a positive integer, got ${describe(units)}`);
    }
    return c.json({ account: await metering(() => stub.topUp(units)) });
  });

  app.post("/accounts/:name/keys", async (c) => {
    const stub = await findAccount(c);
    const { key, info } = await metering(() => stub.createKey());
    // The only time the key is shown: only its hash is kept.
    return c.json({ key, ...info }, 201);
  });

  app.get("/accounts/:name/keys", async (c) => {
    const stub = await findAccount(c);
    return c.json({ keys: await metering(() => stub.listKeys()) });
  });

  app.delete("/accounts/:name/keys/:id", async (c) => {
    const stub = await findAccount(c);
    const key = await metering(() => stub.revokeKey(c.req.param("id")));
    if (!key) throw new ApiError("NOT_FOUND", `key '${c.req.param("id")}' not found`);
    return c.json({ key });
  });

  app.get("/usage", async (c) => {
    const period = parsePeriod(c.req.query("from"), c.req.query("to"));
    const entries = await metering(() => directoryStub(c.env).list());
    const rows = await metering(() =>
      Promise.all(entries.map((e) => accountStub(c.env, e.id).usage(period.from, period.to, "model"))),
    );
    return c.json({
      from: new Date(period.from).toISOString(),
      to: new Date(period.to).toISOString(),
      accounts: entries.map((e, i) => ({
        account: e.name,
        id: e.id,
        requests: (rows[i] ?? []).reduce((n, r) => n + r.requests, 0),
        units: (rows[i] ?? []).reduce((n, r) => n + r.units, 0),
        by_model: (rows[i] ?? []).map((r) => ({ model: r.group, requests: r.requests, units: r.units })),
      })),
    });
  });

  app.get("/usage/export", async (c) => {
    const format = c.req.query("format");
    if (format !== "stripe" && format !== "cloudevents") {
      throw invalid(`format: expected 'stripe' or 'cloudevents', got ${JSON.stringify(format ?? null)}`);
    }
    const period = parsePeriod(c.req.query("from"), c.req.query("to"));
    const entries = await metering(() => directoryStub(c.env).list());
    const ledgers: LedgerRow[][] = await metering(() =>
      Promise.all(entries.map((e) => accountStub(c.env, e.id).ledger(period.from, period.to))),
    );
    const events = entries.flatMap((e, i) =>
      (ledgers[i] ?? []).map((row) => (format === "stripe" ? stripeMeterEvent(e, row) : cloudEvent(e, row))),
    );
    if (format === "cloudevents") {
      return c.body(JSON.stringify(events), 200, { "Content-Type": "application/cloudevents-batch+json" });
    }
    // One meter event per line: `while read -r e; do curl ... -d "$e"; done`, or batch them.
    return c.body(events.map((e) => JSON.stringify(e)).join("\n") + (events.length ? "\n" : ""), 200, {
      "Content-Type": "application/x-ndjson",
    });
  });
  return app;
}
