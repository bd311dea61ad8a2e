import type { MiddlewareHandler } from "hono";
import type { Caller, Identity } from "./middleware/auth";
import type { ModelEntry } from "./models/entry";
import type { ValidatedRequest } from "./oip/validate";

/** A request decoded and checked against its model, ready to run: what metering reads to price it. */
export interface PreparedInference {
  readonly entry: ModelEntry;
  readonly request: ValidatedRequest;
  /** The OIP request's `id`, echoed in the response. */
  readonly id?: string;
  /** The task API's `top_k`. */
  readonly topK?: number;
  /** Request-level parameters: OIP `parameters`, or the task API's `dry_run` and `max_units` fields. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The raw request body, for the Idempotency-Key fingerprint. */
  readonly body: Uint8Array;
}

/**
 * The middleware the app wraps API routes in, decided in one place (src/app.ts): who may read metadata, who may
 * call a model, and how a call is metered. Route modules put them around their own steps.
 */
export interface Guards {
  readonly metadata: MiddlewareHandler<AppEnv>;
  readonly caller: MiddlewareHandler<AppEnv>;
  readonly meter: MiddlewareHandler<AppEnv>;
}

/** Hono's environment for this Worker: bindings from `wrangler types`, and per-request variables. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** Set by the request-id middleware; echoed in `X-Request-Id` and in error bodies. */
    requestId: string;
    /** Set by the decode step of infer/predict routes, read by the run step (and by billing, between them). */
    inference: PreparedInference;
    /** The key a request presents, set by `identify` (metered routes) or `authenticate`. */
    identity: Identity;
    /** The authenticated customer, set by `authenticate` (unmetered routes). */
    caller: Caller;
  };
};
