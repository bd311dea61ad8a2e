/** Reads of an account's ledger: its rows for export, and usage totals for the usage APIs. */
import type { LedgerRow, UsageRow } from "./account-types";

/** Ledger rows recorded in [from, to) (milliseconds since the epoch), oldest first. */
export function ledgerRows(sql: SqlStorage, from: number, to: number): LedgerRow[] {
  return sql
    .exec<{
      request_id: string;
      key_id: string;
      model: string;
      version: string;
      batch_size: number;
      units: number;
      at: number;
    }>(
      "SELECT request_id, key_id, model, version, batch_size, units, at FROM ledger WHERE at >= ? AND at < ? ORDER BY at, request_id",
      from,
      to,
    )
    .toArray()
    .map((r) => ({
      requestId: r.request_id,
      keyId: r.key_id,
      model: r.model,
      version: r.version,
      batchSize: r.batch_size,
      units: r.units,
      at: r.at,
    }));
}

/** Requests and units in [from, to), by UTC day or by model. */
export function usageRows(sql: SqlStorage, from: number, to: number, groupBy: "day" | "model"): UsageRow[] {
  const group = groupBy === "day" ? "strftime('%Y-%m-%d', at / 1000, 'unixepoch')" : "model";
  return sql
    .exec<{ group: string; requests: number; units: number }>(
      `SELECT ${group} AS "group", COUNT(*) AS requests, SUM(units) AS units FROM ledger WHERE at >= ? AND at < ? GROUP BY 1 ORDER BY 1`,
      from,
      to,
    )
    .toArray()
    .map((r) => ({ group: String(r.group), requests: Number(r.requests), units: Number(r.units) }));
}
