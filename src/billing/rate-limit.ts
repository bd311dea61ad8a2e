/**
 * A token bucket, kept in the account Durable Object's memory: exact under concurrency because the object runs
 * one request at a time. If the object is evicted the bucket starts full again — rate limits protect capacity and
 * may forget; quotas and balances, which are money, live in SQLite.
 */
export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the bucket is full again. */
  readonly reset: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
  }

  /** Takes one token; on refusal says how many seconds until one is available. */
  take(now: number): { ok: true } | { ok: false; retryAfter: number } {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond)) };
  }

  state(now: number): RateLimitState {
    this.refill(now);
    return {
      limit: this.burst,
      remaining: Math.floor(this.tokens),
      reset: Math.ceil((this.burst - this.tokens) / this.perSecond),
    };
  }
}
