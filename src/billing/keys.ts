/**
 * API keys: `ei_<account id>_<secret>`. The `ei_` prefix lets secret scanners find leaked keys; the account id
 * routes the request straight to the account's Durable Object; the secret carries 192 random bits and is stored
 * only as its SHA-256.
 */

const KEY_PATTERN = /^ei_([0-9a-f]{16})_([A-Za-z0-9_-]{32})$/;

export interface ParsedKey {
  readonly accountId: string;
  /** The whole key, hashed for lookup; never stored. */
  readonly key: string;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function newAccountId(): string {
  return randomHex(8);
}

/** A new key for an account: 24 random bytes (192 bits) of secret. */
export function newKey(accountId: string): string {
  return `ei_${accountId}_${base64url(crypto.getRandomValues(new Uint8Array(24)))}`;
}

export function parseKey(key: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(key);
  return match?.[1] ? { accountId: match[1], key } : undefined;
}
