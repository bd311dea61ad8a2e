/**
 * The Worker's side of the account store: typed stubs for the Durable Objects, and the failure policy. Metering
 * fails closed: when an account's Durable Object cannot be reached, the request is answered 503 and neither served
 * nor billed.
 */
import { ApiError } from "../errors";

export const accountStub = (env: Env, accountId: string) => env.ACCOUNTS.get(env.ACCOUNTS.idFromName(accountId));

export const directoryStub = (env: Env) => env.DIRECTORY.get(env.DIRECTORY.idFromName("directory"));

export type AccountStub = ReturnType<typeof accountStub>;

/** Runs a call to the account store; anything but our own errors becomes 503 (fail closed). */
export async function metering<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    console.error(JSON.stringify({ level: "error", message: "account store unreachable", cause: String(err) }));
    throw new ApiError("UNAVAILABLE", "metering is unavailable: the request was not served and not billed", {
      "Retry-After": "1",
    });
  }
}
