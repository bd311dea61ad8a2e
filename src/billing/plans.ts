/**
 * Plans: what an account may use and how it pays. An account stores its plan (a named plan plus any per-account
 * overrides) in its Durable Object, so changing these defaults never changes an existing account's terms.
 */
export interface Plan {
  readonly name: string;
  /** Units an account may use per calendar month (UTC); null for no monthly quota. */
  readonly monthlyQuota: number | null;
  /** Prepaid accounts are debited from their balance and refused (402) when it runs out. */
  readonly prepaid: boolean;
  /** Token bucket: `burst` requests at once, refilled at `perSecond`. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** Per-model prices in units, replacing the manifest's for this plan's accounts. */
  readonly modelPrices: Readonly<Record<string, { readonly perRequest: number; readonly perItem: number }>>;
  /** What one unit costs, in millionths of a US dollar: shown to customers, used by invoicing. */
  readonly microUsdPerUnit: number;
}

export const PLANS = {
  free: {
    name: "free",
    monthlyQuota: 10_000,
    prepaid: false,
    rateLimit: { perSecond: 5, burst: 10 },
    modelPrices: {},
    microUsdPerUnit: 0,
  },
  standard: {
    name: "standard",
    monthlyQuota: 10_000_000,
    prepaid: false,
    rateLimit: { perSecond: 100, burst: 200 },
    modelPrices: {},
    microUsdPerUnit: 2,
  },
  prepaid: {
    name: "prepaid",
    monthlyQuota: null,
    prepaid: true,
    rateLimit: { perSecond: 100, burst: 200 },
    modelPrices: {},
    microUsdPerUnit: 3,
  },
} as const satisfies Record<string, Plan>;

export type PlanName = keyof typeof PLANS;

export const isPlanName = (name: unknown): name is PlanName => typeof name === "string" && Object.hasOwn(PLANS, name);
