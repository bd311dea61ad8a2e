/** The account Durable Object's SQLite schema and the calendar periods its quotas count in. */

/** Idempotency keys are remembered at least this long (Stripe and OpenMeter keep them 24 hours). */
export const IDEMPOTENCY_RETENTION_MS = 7 * 24 * 3600 * 1000;
export const PRUNE_INTERVAL_MS = 6 * 3600 * 1000;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE TABLE IF NOT EXISTS usage_counters (period TEXT PRIMARY KEY, units INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ledger (request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, model TEXT NOT NULL,
  version TEXT NOT NULL, batch_size INTEGER NOT NULL, units INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ledger_at ON ledger (at);
CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
  request_id TEXT, status INTEGER, headers TEXT, body BLOB, created_at INTEGER NOT NULL);
`;

/** The calendar month (UTC) a time falls in: quotas reset at its end. */
export const periodOf = (ms: number): string => new Date(ms).toISOString().slice(0, 7);

export function secondsToNextPeriod(ms: number): number {
  const d = new Date(ms);
  return Math.ceil((Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - ms) / 1000);
}
