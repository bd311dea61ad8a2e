/** Parses the `from` and `to` query parameters of usage and export requests: ISO dates or date-times, UTC. */
import { invalid } from "../errors";

export interface Period {
  /** Milliseconds since the epoch, inclusive. */
  readonly from: number;
  /** Milliseconds since the epoch, exclusive. */
  readonly to: number;
}

function parseTime(value: string, name: string, endOfDay: boolean): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms))
    throw invalid(`${name}: expected an ISO date (2026-12-01) or date-time, got ${JSON.stringify(value)}`);
  // A bare `to` date includes that whole day.
  return dateOnly && endOfDay ? ms + 24 * 3600 * 1000 : ms;
}

/** Defaults: from the start of the current month (UTC) to now. */
export function parsePeriod(from: string | undefined, to: string | undefined, now = Date.now()): Period {
  const d = new Date(now);
  const period = {
    from: from === undefined ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) : parseTime(from, "from", false),
    to: to === undefined ? now + 1 : parseTime(to, "to", true),
  };
  if (period.to <= period.from) throw invalid("to: must be after from");
  return period;
}
