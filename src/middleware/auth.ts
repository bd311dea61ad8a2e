/**
 * Customer authentication: `Authorization: Bearer ei_...`. The key names its account; the account's Durable Object
 * compares the key's SHA-256 with the hashes it stores and says whether it is known and not revoked.
 */
import type { MiddlewareHandler } from "hono";
import type { AuthResult } from "../billing/account-types";
import { type AccountStub, accountStub, metering } from "../billing/accounts";
import { parseKey } from "../billing/keys";
import type { Plan } from "../billing/plans";
import { sha256Hex } from "../crypto";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

export interface Caller {
  readonly accountId: string;
  readonly accountName: string;
  readonly keyId: string;
  readonly plan: Plan;
  readonly stub: AccountStub;
}

const unauthorized = (message: string) =>
  new ApiError("UNAUTHORIZED", message, { "WWW-Authenticate": 'Bearer realm="edgeinfer"' });

export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticateKey(c, next) {
    const header = c.req.header("Authorization");
    if (!header) throw unauthorized("missing API key: send 'Authorization: Bearer ei_...'");
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!bearer) throw unauthorized("malformed Authorization header: expected 'Bearer <API key>'");
    const parsed = parseKey(bearer);
    if (!parsed) throw unauthorized("malformed API key: expected 'ei_' followed by an account id and a secret");
    const stub = accountStub(c.env, parsed.accountId);
    const hash = await sha256Hex(parsed.key);
    const result = await metering(async (): Promise<AuthResult> => await stub.authenticate(hash));
    if (!result.ok) throw unauthorized(result.reason === "revoked" ? "API key has been revoked" : "unknown API key");
    c.set("caller", {
      accountId: parsed.accountId,
      accountName: result.accountName,
      keyId: result.keyId,
      plan: result.plan,
      stub,
    });
    await next();
  };
}

/** Metadata routes: public unless PUBLIC_METADATA is "false", never billed. */
export function authenticateUnlessPublic(): MiddlewareHandler<AppEnv> {
  const auth = authenticate();
  return async function authenticateMetadata(c, next) {
    if (c.env.PUBLIC_METADATA !== "false") return next();
    return auth(c, next);
  };
}
