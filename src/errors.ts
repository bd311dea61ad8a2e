/**
 * The API's closed set of error codes, thrown as `ApiError` anywhere and rendered once, by `renderError`.
 * Open Inference Protocol routes answer `{"error": "..."}` as the protocol requires; the rest of the API answers
 * `{"error": {"code", "message", "requestId"}}`.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./types";

export const STATUS = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS;

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = STATUS[code];
  }
}

/** A client mistake in the request: 400, naming the field. */
export const invalid = (message: string): ApiError => new ApiError("INVALID_INPUT", message);

const codeOfStatus = (status: number): ErrorCode =>
  (Object.entries(STATUS).find(([, s]) => s === status)?.[0] as ErrorCode | undefined) ??
  (status >= 500 ? "INTERNAL" : "INVALID_INPUT");

function normalise(err: Error): ApiError {
  if (err instanceof ApiError) return err;
  // Hono's own middleware (body limit and the like) throws HTTPException; keep its status and message.
  if (err instanceof HTTPException) {
    const code = codeOfStatus(err.status);
    return new ApiError(code, err.message || (code === "PAYLOAD_TOO_LARGE" ? "request body too large" : code));
  }
  return new ApiError("INTERNAL", "internal error");
}

/** The one error renderer: `app.onError(renderError)`. Unknown errors are logged once and answered with a plain 500. */
export function renderError(err: Error, c: Context<AppEnv>): Response {
  const error = normalise(err);
  if (error.code === "INTERNAL" && !(err instanceof ApiError)) {
    console.error(
      JSON.stringify({ level: "error", requestId: c.get("requestId"), message: err.message, stack: err.stack }),
    );
  }
  const body = c.req.path.startsWith("/v2")
    ? { error: error.message }
    : { error: { code: error.code, message: error.message, requestId: c.get("requestId") } };
  return c.json(body, error.status, error.headers);
}
