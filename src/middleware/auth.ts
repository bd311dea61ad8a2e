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

/** Who a request says it is: a well-formed key, its account, and the hash the account will check. */
export interface Identity {
  readonly accountId: string;
  readonly keyHash: string;
  readonly stub: AccountStub;
}

/** An identity its account has confirmed: the key is known and not revoked. */
export interface Caller extends Identity {
  readonly accountName: string;
  readonly keyId: string;
  readonly plan: Plan;
}

const unauthorized = (message: string) =>
  new ApiError("UNAUTHORIZED", message, { "WWW-Authenticate": 'Bearer realm="edgeinfer"' });

async function identityOf(header: string | undefined, env: Env): Promise<Identity> {
  if (!header) throw unauthorized("missing API key: send 'Authorization: Bearer ei_...'");
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!bearer) throw unauthorized("malformed Authorization header: expected 'Bearer <API key>'");
  const parsed = parseKey(bearer);
  if (!parsed) throw unauthorized("malformed API key: expected 'ei_' followed by an account id and a secret");
  return {
    accountId: parsed.accountId,
    keyHash: await sha256Hex(parsed.key),
    stub: accountStub(env, parsed.accountId),
  };
}

/** 401 for a key the account does not know, or has revoked. */
export function keyRefused(reason: "unknown" | "revoked"): ApiError {
  return unauthorized(reason === "revoked" ? "API key has been revoked" : "unknown API key");
}

/**
 * Metered routes: checks the key's form and names its account, without a round trip. The account checks the key
 * itself in the same call that reserves the request's units (src/billing/meter.ts), so a metered request costs one
 * call to its Durable Object before it runs. A malformed key is refused here; an unknown or revoked one there.
 */
export function identify(): MiddlewareHandler<AppEnv> {
  return async function identifyKey(c, next) {
    c.set("identity", await identityOf(c.req.header("Authorization"), c.env));
    await next();
  };
}

/** Unmetered routes (usage, private metadata): the account confirms the key before the route runs. */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticateKey(c, next) {
    const identity = await identityOf(c.req.header("Authorization"), c.env);
    const result = await metering(async (): Promise<AuthResult> => await identity.stub.authenticate(identity.keyHash));
    if (!result.ok) throw keyRefused(result.reason);
    c.set("identity", identity);
    c.set("caller", { ...identity, accountName: result.accountName, keyId: result.keyId, plan: result.plan });
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
