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
}

/** Hono's environment for this Worker: bindings from `wrangler types`, and per-request variables. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** Set by the request-id middleware; echoed in `X-Request-Id` and in error bodies. */
    requestId: string;
    /** Set by the decode step of infer/predict routes, read by the run step (and by billing, between them). */
    inference: PreparedInference;
  };
};
