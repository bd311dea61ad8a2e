/**
 * One Durable Object per account: the only place money state lives. Its SQLite holds the account's keys (hashes),
 * plan, prepaid balance, monthly usage counters, the ledger and stored idempotent responses.
 *
 * A Durable Object handles one call at a time, and every method below does its work without awaiting in between,
 * so each reservation is checked against committed usage plus the reservations in flight, atomically: under any
 * concurrency an account never exceeds its quota or balance. Reservations live in memory and storage is written
 * once per request, when it commits (ledger row, counter, balance, stored response in one transaction). If the
 * object restarts while requests are in flight, their reservations go with it — and so does the stub those
 * requests would commit through: the commit fails, the Worker answers 503 (fail closed), and nothing was served or
 * billed, so nothing is left to release.
 */
import { DurableObject } from "cloudflare:workers";
import { IDEMPOTENCY_RETENTION_MS, PRUNE_INTERVAL_MS, periodOf, SCHEMA, secondsToNextPeriod } from "./account-schema";
import type {
  AccountInfo,
  AuthResult,
  Charge,
  KeyInfo,
  LedgerRow,
  MeterRequest,
  ReserveResult,
  Standing,
  StoredResponse,
  UsageRow,
} from "./account-types";
import { KeyStore } from "./key-store";
import { randomHex } from "./keys";
import { ledgerRows, usageRows } from "./ledger-queries";
import type { Plan } from "./plans";
import { priceOf } from "./pricing";
import { TokenBucket } from "./rate-limit";

export class Account extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private bucket: TokenBucket | undefined;
  // In-memory copies of what every request reads; the methods that write them reset them.
  private cachedPlan: Plan | undefined;
  private initialised = false;
  private committed = new Map<string, number>();
  private cachedBalance: number | undefined;
  /** Requests reserved and not yet committed or released, by reservation id. */
  private readonly reservations = new Map<string, { units: number; period: string; idempotencyKey?: string }>();
  /** Idempotency keys of requests in flight, with their fingerprints. */
  private readonly inFlight = new Map<string, string>();

  private readonly keyStore: KeyStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.keyStore = new KeyStore(this.sql);
  }

  /**
   * Whether `init` ever ran. Keys name their account, so anyone can make the Worker address an account id that
   * does not exist; the schema is created only by `init`, so such calls read and never write storage.
   */
  private exists(): boolean {
    // Once initialised, always initialised: remember it, every metered request asks.
    this.initialised ||=
      this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
    return this.initialised;
  }

  private meta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  private plan(): Plan {
    if (this.cachedPlan) return this.cachedPlan;
    const plan = this.meta("plan");
    if (!plan) throw new Error("account is not initialised");
    this.cachedPlan = JSON.parse(plan) as Plan;
    return this.cachedPlan;
  }

  /** The committed prepaid balance (stored), read once and then kept in step with every write. */
  private balance(): number {
    this.cachedBalance ??= Number(this.meta("balance") ?? 0);
    return this.cachedBalance;
  }

  private setBalance(units: number): void {
    this.setMeta("balance", String(units));
    this.cachedBalance = units;
  }

  /** Units committed in a period (stored), cached like the balance. */
  private committedUnits(period: string): number {
    let units = this.committed.get(period);
    if (units === undefined) {
      units =
        this.sql.exec<{ units: number }>("SELECT units FROM usage_counters WHERE period = ?", period).toArray()[0]
          ?.units ?? 0;
      this.committed.set(period, units);
    }
    return units;
  }

  private addCommitted(period: string, units: number): void {
    this.sql.exec(
      "INSERT INTO usage_counters (period, units) VALUES (?, ?) ON CONFLICT (period) DO UPDATE SET units = units + excluded.units",
      period,
      units,
    );
    this.committed.set(period, this.committedUnits(period) + units);
  }

  /** Units reserved by requests in flight, in one period or in all. */
  private reservedUnits(period?: string): number {
    let units = 0;
    for (const r of this.reservations.values()) if (period === undefined || r.period === period) units += r.units;
    return units;
  }

  /** What quota checks count: committed plus in flight. */
  private used(period: string): number {
    return this.committedUnits(period) + this.reservedUnits(period);
  }

  /** What balance checks count: committed balance less what is in flight. */
  private available(): number {
    return this.balance() - this.reservedUnits();
  }

  private rateBucket(plan: Plan, now: number): TokenBucket {
    this.bucket ??= new TokenBucket(plan.rateLimit.perSecond, plan.rateLimit.burst, now);
    return this.bucket;
  }

  private standing(plan: Plan, now: number): Standing {
    return {
      quotaRemaining: plan.monthlyQuota === null ? null : Math.max(0, plan.monthlyQuota - this.used(periodOf(now))),
      balance: plan.prepaid ? this.available() : null,
      rateLimit: this.rateBucket(plan, now).state(now),
    };
  }

  async init(id: string, name: string, plan: Plan): Promise<AccountInfo> {
    if (this.exists()) throw new Error(`account ${id} already exists`);
    this.sql.exec(SCHEMA);
    this.setMeta("id", id);
    this.setMeta("name", name);
    this.setMeta("plan", JSON.stringify(plan));
    this.setBalance(0);
    this.setMeta("created", new Date().toISOString());
    await this.ctx.storage.setAlarm(Date.now() + PRUNE_INTERVAL_MS);
    return this.info();
  }

  info(): AccountInfo {
    return {
      id: this.meta("id") ?? "",
      name: this.meta("name") ?? "",
      plan: this.plan(),
      balance: this.balance(),
      created: this.meta("created") ?? "",
    };
  }

  setPlan(plan: Plan): AccountInfo {
    this.setMeta("plan", JSON.stringify(plan));
    this.cachedPlan = undefined;
    this.bucket = undefined;
    return this.info();
  }

  topUp(units: number): AccountInfo {
    this.setBalance(this.balance() + units);
    return this.info();
  }

  createKey(): Promise<{ key: string; info: KeyInfo }> {
    return this.keyStore.create(this.meta("id") ?? "");
  }

  listKeys(): KeyInfo[] {
    return this.keyStore.list();
  }

  revokeKey(id: string): KeyInfo | undefined {
    return this.keyStore.revoke(id);
  }

  /** The key's id, or why it is refused; memory only, as it runs for every metered request. */
  private checkKey(hash: string): { ok: true; keyId: string } | { ok: false; reason: "unknown" | "revoked" } {
    if (!this.exists()) return { ok: false, reason: "unknown" };
    const key = this.keyStore.byHash(hash);
    if (!key) return { ok: false, reason: "unknown" };
    if (key.revoked) return { ok: false, reason: "revoked" };
    return { ok: true, keyId: key.id };
  }

  authenticate(hash: string): AuthResult {
    const key = this.checkKey(hash);
    if (!key.ok) return key;
    return { ok: true, keyId: key.keyId, plan: this.plan(), accountName: this.meta("name") ?? "" };
  }

  /**
   * The metered request's one call before it runs: checks the key, prices the request, answers a dry run or a
   * price over `maxUnits`, then checks idempotency, rate limit, balance and quota and debits: one atomic step.
   */
  reserve(request: MeterRequest): ReserveResult {
    const auth = this.checkKey(request.keyHash);
    if (!auth.ok) return { kind: "unauthorized", reason: auth.reason };
    const now = Date.now();
    const plan = this.plan();
    const units = priceOf(request.model, request.batchSize, plan);
    if (request.dryRun) return { kind: "quote", units };
    if (request.maxUnits !== undefined && units > request.maxUnits) {
      return { kind: "over_max", units, maxUnits: request.maxUnits };
    }
    const idem = request.idempotency;
    if (idem) {
      const running = this.inFlight.get(idem.key);
      if (running !== undefined) return running === idem.fingerprint ? { kind: "in_progress" } : { kind: "mismatch" };
      const row = this.sql
        .exec<{
          fingerprint: string;
          state: string;
          request_id: string | null;
          status: number | null;
          headers: string | null;
          body: ArrayBuffer | null;
        }>("SELECT fingerprint, state, request_id, status, headers, body FROM idempotency WHERE key = ?", idem.key)
        .toArray()[0];
      if (row && row.fingerprint !== idem.fingerprint) return { kind: "mismatch" };
      if (row) {
        const response: StoredResponse = {
          status: row.status ?? 200,
          headers: JSON.parse(row.headers ?? "{}") as Record<string, string>,
          body: row.body ?? new ArrayBuffer(0),
        };
        return { kind: "replay", response, requestId: row.request_id ?? "" };
      }
    }
    const taken = this.rateBucket(plan, now).take(now);
    if (!taken.ok) {
      const standing = this.standing(plan, now);
      return { kind: "rate_limited", perSecond: plan.rateLimit.perSecond, retryAfter: taken.retryAfter, standing };
    }
    if (plan.prepaid && this.available() < units) {
      return { kind: "insufficient_balance", units, standing: this.standing(plan, now) };
    }
    const period = periodOf(now);
    if (plan.monthlyQuota !== null && this.used(period) + units > plan.monthlyQuota) {
      return {
        kind: "quota_exceeded",
        units,
        retryAfter: secondsToNextPeriod(now),
        standing: this.standing(plan, now),
      };
    }
    const reservationId = `res_${randomHex(8)}`;
    this.reservations.set(reservationId, { units, period, ...(idem ? { idempotencyKey: idem.key } : {}) });
    if (idem) this.inFlight.set(idem.key, idem.fingerprint);
    return { kind: "reserved", reservationId, keyId: auth.keyId, units, standing: this.standing(plan, now) };
  }

  /**
   * Records a served request, once (the request id keys the ledger), in one transaction with its usage counter,
   * balance and, for an idempotent request, its stored response; then forgets the reservation.
   */
  commit(reservationId: string, charge: Charge, response?: StoredResponse): void {
    const now = Date.now();
    const reservation = this.reservations.get(reservationId);
    const period = reservation?.period ?? periodOf(now);
    this.ctx.storage.transactionSync(() => {
      const inserted = this.sql.exec(
        "INSERT OR IGNORE INTO ledger (request_id, key_id, model, version, batch_size, units, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        charge.requestId,
        charge.keyId,
        charge.model,
        charge.version,
        charge.batchSize,
        charge.units,
        now,
      ).rowsWritten;
      if (inserted > 0) {
        this.addCommitted(period, charge.units);
        if (this.plan().prepaid) this.setBalance(this.balance() - charge.units);
      }
      if (charge.idempotency && response) {
        this.sql.exec(
          "INSERT OR REPLACE INTO idempotency (key, fingerprint, state, request_id, status, headers, body, created_at) VALUES (?, ?, 'done', ?, ?, ?, ?, ?)",
          charge.idempotency.key,
          charge.idempotency.fingerprint,
          charge.requestId,
          response.status,
          JSON.stringify(response.headers),
          response.body,
          now,
        );
      }
    });
    this.forget(reservationId);
  }

  /** Gives back a reservation: the request failed or was refused after reserving, and is not billed. */
  release(reservationId: string): void {
    this.forget(reservationId);
  }

  private forget(reservationId: string): void {
    const key = this.reservations.get(reservationId)?.idempotencyKey;
    if (key !== undefined) this.inFlight.delete(key);
    this.reservations.delete(reservationId);
  }

  ledger(from: number, to: number): LedgerRow[] {
    return ledgerRows(this.sql, from, to);
  }

  usage(from: number, to: number, groupBy: "day" | "model"): UsageRow[] {
    return usageRows(this.sql, from, to, groupBy);
  }

  /** Prunes idempotency records past their retention. */
  override async alarm(): Promise<void> {
    if (!this.exists()) return;
    const now = Date.now();
    this.sql.exec("DELETE FROM idempotency WHERE created_at < ?", now - IDEMPOTENCY_RETENTION_MS);
    await this.ctx.storage.setAlarm(now + PRUNE_INTERVAL_MS);
  }
}
