/** What the account Durable Object's RPC methods take and return: plain, structured-clonable data. */
import type { Plan } from "./plans";
import type { Price } from "./pricing";
import type { RateLimitState } from "./rate-limit";

export interface AccountInfo {
  readonly id: string;
  readonly name: string;
  readonly plan: Plan;
  readonly balance: number;
  readonly created: string;
}

export interface KeyInfo {
  readonly id: string;
  /** The key's first characters, enough to recognise it in a list; never the secret. */
  readonly prefix: string;
  readonly created: string;
  readonly revoked: string | null;
}

export type AuthResult =
  | { readonly ok: true; readonly keyId: string; readonly plan: Plan; readonly accountName: string }
  | { readonly ok: false; readonly reason: "unknown" | "revoked" };

export interface Charge {
  readonly requestId: string;
  readonly keyId: string;
  readonly model: string;
  readonly version: string;
  readonly batchSize: number;
  readonly units: number;
  /** The request's Idempotency-Key and a fingerprint of what it asked (method, path, body hash). */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

/**
 * What the meter asks the account for, in one call: check the key, price the request, and (unless it is a dry
 * run or over its cap) reserve the units. One round trip before the request runs, instead of two.
 */
export interface MeterRequest {
  readonly keyHash: string;
  readonly requestId: string;
  readonly model: { readonly name: string; readonly version: string; readonly pricing: Price };
  readonly batchSize: number;
  readonly dryRun: boolean;
  readonly maxUnits?: number;
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

export interface StoredResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: ArrayBuffer;
}

/** The account's standing after a reservation: what the metered response headers report. */
export interface Standing {
  readonly quotaRemaining: number | null;
  readonly balance: number | null;
  readonly rateLimit: RateLimitState;
}

export type ReserveResult =
  | { readonly kind: "unauthorized"; readonly reason: "unknown" | "revoked" }
  | { readonly kind: "quote"; readonly units: number }
  | { readonly kind: "over_max"; readonly units: number; readonly maxUnits: number }
  | {
      readonly kind: "reserved";
      readonly reservationId: string;
      readonly keyId: string;
      readonly units: number;
      readonly standing: Standing;
    }
  | { readonly kind: "replay"; readonly response: StoredResponse; readonly requestId: string }
  | { readonly kind: "in_progress" }
  | { readonly kind: "mismatch" }
  | {
      readonly kind: "rate_limited";
      readonly perSecond: number;
      readonly retryAfter: number;
      readonly standing: Standing;
    }
  | {
      readonly kind: "quota_exceeded";
      readonly units: number;
      readonly retryAfter: number;
      readonly standing: Standing;
    }
  | { readonly kind: "insufficient_balance"; readonly units: number; readonly standing: Standing };

/** A ledger row: a served request's charge, and when it was recorded (milliseconds since the epoch). */
export type LedgerRow = Omit<Charge, "idempotency"> & { readonly at: number };

export interface UsageRow {
  readonly group: string;
  readonly requests: number;
  readonly units: number;
}
