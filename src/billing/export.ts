/**
 * Ledger rows as invoicing systems ingest them. Both formats carry the request id as the event's unique id
 * (Stripe's `identifier`, CloudEvents' `id`), so re-exporting a period and sending it again never double-counts.
 */
import type { LedgerRow } from "./account-types";

export const STRIPE_EVENT_NAME = "edgeinfer_units";

export interface ExportAccount {
  readonly id: string;
  readonly name: string;
}

/** A Stripe Billing meter event (POST /v1/billing/meter_events), one per request. */
export function stripeMeterEvent(account: ExportAccount, row: LedgerRow) {
  return {
    event_name: STRIPE_EVENT_NAME,
    identifier: row.requestId,
    timestamp: Math.floor(row.at / 1000),
    // Map account ids to Stripe customer ids where the events are sent; the account id is what we know.
    payload: { stripe_customer_id: account.id, value: String(row.units) },
  };
}

/** A CloudEvents 1.0 event as OpenMeter ingests it. */
export function cloudEvent(account: ExportAccount, row: LedgerRow) {
  return {
    specversion: "1.0",
    id: row.requestId,
    source: "edgeinfer",
    type: "inference",
    subject: account.id,
    time: new Date(row.at).toISOString(),
    datacontenttype: "application/json",
    data: {
      account: account.name,
      key_id: row.keyId,
      model: row.model,
      version: row.version,
      batch_size: row.batchSize,
      units: row.units,
    },
  };
}
