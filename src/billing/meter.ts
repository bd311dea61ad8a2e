/**
 * Metering: the middleware between a route's decode step and its run step. One call to the account's Durable
 * Object checks the key, prices the decoded request (answering `dry_run` and enforcing `max_units`) and reserves
 * its units (idempotency, rate limit, balance, quota — atomically); the request runs; a second call commits the
 * ledger row before the answer leaves, or releases the reservation when the request failed. Failed and refused
 * requests are never billed.
 */
import type { Context, MiddlewareHandler } from "hono";
import { sha256Hex } from "../crypto";
import { ApiError, invalid } from "../errors";
import { describe } from "../json";
import { keyRefused } from "../middleware/auth";
import type { AppEnv } from "../types";
import type { Charge, MeterRequest, ReserveResult, Standing } from "./account-types";
import { metering } from "./accounts";

export const DRY_RUN_HEADER = "X-Dry-Run";
export const MAX_UNITS_HEADER = "X-Max-Units";
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const UNITS_HEADER = "X-Billed-Units";

function flag(header: string | undefined, parameter: unknown, name: string): boolean {
  if (parameter !== undefined && typeof parameter !== "boolean") {
    throw invalid(`${name}: expected true or false, got ${describe(parameter)}`);
  }
  if (header !== undefined && !/^(true|false|1|0)$/i.test(header)) {
    throw invalid(`${DRY_RUN_HEADER}: expected true or false, got ${JSON.stringify(header)}`);
  }
  return parameter === true || /^(true|1)$/i.test(header ?? "");
}

function maxUnits(header: string | undefined, parameter: unknown): number | undefined {
  const value = parameter ?? (header === undefined ? undefined : Number(header));
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    const where = parameter === undefined ? MAX_UNITS_HEADER : "max_units";
    throw invalid(
      `${where}: expected a non-negative integer, got ${parameter === undefined ? JSON.stringify(header) : describe(parameter)}`,
    );
  }
  return value;
}

function idempotencyKey(c: Context<AppEnv>): string | undefined {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw invalid(`${IDEMPOTENCY_HEADER}: expected 1 to 255 visible ASCII characters`);
  }
  return key;
}

/** The headers every metered response carries. */
export function standingHeaders(units: number, standing: Standing): Record<string, string> {
  return {
    [UNITS_HEADER]: String(units),
    ...(standing.quotaRemaining === null ? {} : { "X-Quota-Remaining": String(standing.quotaRemaining) }),
    ...(standing.balance === null ? {} : { "X-Balance-Remaining": String(standing.balance) }),
    "RateLimit-Limit": String(standing.rateLimit.limit),
    "RateLimit-Remaining": String(standing.rateLimit.remaining),
    "RateLimit-Reset": String(standing.rateLimit.reset),
  };
}

/** Response headers worth keeping for an idempotent replay (the rest are per-response). */
const STORED_HEADERS = ["content-type", "inference-header-content-length"];

export function meter(): MiddlewareHandler<AppEnv> {
  return async function meterRequest(c, next) {
    const { entry, request, parameters, body } = c.get("inference");
    const identity = c.get("identity");
    const dryRun = flag(c.req.header(DRY_RUN_HEADER), parameters.dry_run, "dry_run");
    const cap = maxUnits(c.req.header(MAX_UNITS_HEADER), parameters.max_units);
    const key = idempotencyKey(c);
    const idempotency =
      key === undefined
        ? undefined
        : { key, fingerprint: await sha256Hex(`${c.req.method} ${c.req.path}\n${await sha256Hex(body)}`) };
    const meterRequest: MeterRequest = {
      keyHash: identity.keyHash,
      requestId: c.get("requestId"),
      model: { name: entry.manifest.name, version: entry.manifest.version, pricing: entry.manifest.pricing },
      batchSize: request.batchSize,
      dryRun,
      ...(cap === undefined ? {} : { maxUnits: cap }),
      ...(idempotency === undefined ? {} : { idempotency }),
    };
    // Rpc's types distribute over the union a method returns; awaiting inside gives back the plain union.
    const result = await metering(async (): Promise<ReserveResult> => await identity.stub.reserve(meterRequest));
    switch (result.kind) {
      case "unauthorized":
        throw keyRefused(result.reason);
      case "quote":
        return c.json(
          {
            dry_run: true,
            model_name: entry.manifest.name,
            model_version: entry.manifest.version,
            batch_size: request.batchSize,
            units: result.units,
          },
          200,
          { [UNITS_HEADER]: "0", "X-Price-Units": String(result.units) },
        );
      case "over_max":
        throw new ApiError(
          "PAYMENT_REQUIRED",
          `this request costs ${result.units} units, more than max_units ${result.maxUnits}`,
          {
            [UNITS_HEADER]: "0",
          },
        );
      case "replay":
        return new Response(result.response.body, {
          status: result.response.status,
          headers: {
            ...result.response.headers,
            [UNITS_HEADER]: "0",
            "Idempotent-Replayed": "true",
            "X-Original-Request-Id": result.requestId,
          },
        });
      case "in_progress":
        throw new ApiError(
          "CONFLICT",
          `a request with this ${IDEMPOTENCY_HEADER} is still running; retry when it has finished`,
          {
            "Retry-After": "1",
          },
        );
      case "mismatch":
        throw new ApiError("UNPROCESSABLE", `this ${IDEMPOTENCY_HEADER} was already used for a different request`);
      case "rate_limited":
        throw new ApiError("RATE_LIMITED", `rate limit of ${result.perSecond} requests per second exceeded`, {
          ...standingHeaders(0, result.standing),
          "Retry-After": String(result.retryAfter),
        });
      case "quota_exceeded":
        throw new ApiError(
          "RATE_LIMITED",
          `monthly quota exhausted: this request needs ${result.units} units, ${result.standing.quotaRemaining} remain`,
          { ...standingHeaders(0, result.standing), "Retry-After": String(result.retryAfter) },
        );
      case "insufficient_balance":
        throw new ApiError(
          "PAYMENT_REQUIRED",
          `prepaid balance too low: this request needs ${result.units} units, ${result.standing.balance} remain`,
          standingHeaders(0, result.standing),
        );
      case "reserved":
        break;
    }
    await next();
    // Hono renders a downstream error into c.res and sets c.error; either way the request was not served.
    if (c.error || c.res.status >= 400) {
      await metering(() => identity.stub.release(result.reservationId));
      return;
    }
    const charge: Charge = {
      requestId: meterRequest.requestId,
      keyId: result.keyId,
      model: entry.manifest.name,
      version: entry.manifest.version,
      batchSize: request.batchSize,
      units: result.units,
      ...(idempotency === undefined ? {} : { idempotency }),
    };
    const stored = idempotency === undefined ? undefined : await storedResponse(c.res);
    await metering(() => identity.stub.commit(result.reservationId, charge, stored));
    for (const [name, value] of Object.entries(standingHeaders(result.units, result.standing))) {
      c.res.headers.set(name, value);
    }
  };
}

async function storedResponse(res: Response) {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: res.status, headers, body: await res.clone().arrayBuffer() };
}
