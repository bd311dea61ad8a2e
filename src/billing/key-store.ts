/**
 * An account's API keys in its Durable Object's SQLite: only their SHA-256 hashes and a recognisable prefix are
 * stored. Lookups by hash go to an in-memory copy (every metered request makes one); writes refresh it.
 */
import { sha256Hex } from "../crypto";
import type { KeyInfo } from "./account-types";
import { newKey, randomHex } from "./keys";

const PREFIX_LENGTH = 24;

export class KeyStore {
  private byHashCache: Map<string, { id: string; revoked: boolean }> | undefined;

  constructor(private readonly sql: SqlStorage) {}

  /** A new key for the account: returned once, stored as its hash. */
  async create(accountId: string): Promise<{ key: string; info: KeyInfo }> {
    const key = newKey(accountId);
    const id = `key_${randomHex(6)}`;
    const now = Date.now();
    const prefix = key.slice(0, PREFIX_LENGTH);
    this.sql.exec(
      "INSERT INTO keys (id, hash, prefix, created_at) VALUES (?, ?, ?, ?)",
      id,
      await sha256Hex(key),
      prefix,
      now,
    );
    this.byHashCache = undefined;
    return { key, info: { id, prefix, created: new Date(now).toISOString(), revoked: null } };
  }

  list(): KeyInfo[] {
    return this.sql
      .exec<{ id: string; prefix: string; created_at: number; revoked_at: number | null }>(
        "SELECT id, prefix, created_at, revoked_at FROM keys ORDER BY created_at",
      )
      .toArray()
      .map((k) => ({
        id: k.id,
        prefix: k.prefix,
        created: new Date(k.created_at).toISOString(),
        revoked: k.revoked_at === null ? null : new Date(k.revoked_at).toISOString(),
      }));
  }

  /** Revokes a key at once; returns it, or undefined when the account has no such key. */
  revoke(id: string): KeyInfo | undefined {
    this.sql.exec("UPDATE keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", Date.now(), id);
    this.byHashCache = undefined;
    return this.list().find((k) => k.id === id);
  }

  byHash(hash: string): { id: string; revoked: boolean } | undefined {
    this.byHashCache ??= new Map(
      this.sql
        .exec<{ id: string; hash: string; revoked_at: number | null }>("SELECT id, hash, revoked_at FROM keys")
        .toArray()
        .map((k) => [k.hash, { id: k.id, revoked: k.revoked_at !== null }]),
    );
    return this.byHashCache.get(hash);
  }
}
