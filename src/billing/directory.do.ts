/**
 * The account directory: one Durable Object that maps account names to ids, for the admin API. It is never on the
 * path of a customer's request: API keys carry their account id, so a request goes straight to its account.
 */
import { DurableObject } from "cloudflare:workers";

export interface DirectoryEntry {
  readonly id: string;
  readonly name: string;
  readonly created: string;
}

export class Directory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL)",
    );
  }

  /** Registers a name; returns undefined when it is taken. */
  add(id: string, name: string): DirectoryEntry | undefined {
    const now = Date.now();
    const inserted = this.sql.exec(
      "INSERT OR IGNORE INTO accounts (id, name, created_at) VALUES (?, ?, ?)",
      id,
      name,
      now,
    );
    return inserted.rowsWritten === 0 ? undefined : { id, name, created: new Date(now).toISOString() };
  }

  /** Undoes `add` when the account itself could not be created. */
  remove(id: string): void {
    this.sql.exec("DELETE FROM accounts WHERE id = ?", id);
  }

  find(name: string): DirectoryEntry | undefined {
    return this.list().find((a) => a.name === name);
  }

  list(): DirectoryEntry[] {
    return this.sql
      .exec<{ id: string; name: string; created_at: number }>("SELECT id, name, created_at FROM accounts ORDER BY name")
      .toArray()
      .map((a) => ({ id: a.id, name: a.name, created: new Date(a.created_at).toISOString() }));
  }
}
