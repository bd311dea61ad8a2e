/** Parses the admin API's plan input: a named plan and optional per-account overrides of its terms. */
import { invalid } from "../errors";
import { describe, isObject } from "../json";
import { isPlanName, PLANS, type Plan } from "./plans";

function count(value: unknown, where: string, min = 0): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw invalid(`${where}: expected an integer ≥ ${min}, got ${describe(value)}`);
  }
  return value;
}

function price(value: unknown, where: string): { perRequest: number; perItem: number } {
  if (!isObject(value)) throw invalid(`${where}: expected {"perRequest": n, "perItem": n}, got ${describe(value)}`);
  return {
    perRequest: count(value.perRequest, `${where}.perRequest`),
    perItem: count(value.perItem, `${where}.perItem`),
  };
}

/** A plan from `{"plan": "standard", "overrides": {...}}`, starting from `base` (an account's current plan) if given. */
export function parsePlanInput(body: Record<string, unknown>, base?: Plan): Plan {
  const name = body.plan ?? base?.name ?? "free";
  if (!isPlanName(name)) throw invalid(`plan: expected one of ${Object.keys(PLANS).join(", ")}, got ${describe(name)}`);
  const start: Plan = body.plan === undefined && base ? base : PLANS[name];
  const o = body.overrides ?? {};
  if (!isObject(o)) throw invalid(`overrides: expected an object, got ${describe(o)}`);
  const known = ["monthlyQuota", "prepaid", "rateLimit", "modelPrices", "microUsdPerUnit"];
  const unknown = Object.keys(o).find((k) => !known.includes(k));
  if (unknown) throw invalid(`overrides.${unknown}: unknown (overridable: ${known.join(", ")})`);
  let rateLimit = start.rateLimit;
  if (o.rateLimit !== undefined) {
    if (!isObject(o.rateLimit)) throw invalid(`overrides.rateLimit: expected {"perSecond": n, "burst": n}`);
    rateLimit = {
      perSecond: count(o.rateLimit.perSecond, "overrides.rateLimit.perSecond", 1),
      burst: count(o.rateLimit.burst, "overrides.rateLimit.burst", 1),
    };
  }
  let modelPrices = start.modelPrices;
  if (o.modelPrices !== undefined) {
    if (!isObject(o.modelPrices)) throw invalid("overrides.modelPrices: expected an object of model name → price");
    modelPrices = Object.fromEntries(
      Object.entries(o.modelPrices).map(([m, p]) => [m, price(p, `overrides.modelPrices.${m}`)]),
    );
  }
  if (o.prepaid !== undefined && typeof o.prepaid !== "boolean")
    throw invalid(`overrides.prepaid: expected true or false, got ${describe(o.prepaid)}`);
  return {
    name: start.name,
    monthlyQuota:
      o.monthlyQuota === undefined
        ? start.monthlyQuota
        : o.monthlyQuota === null
          ? null
          : count(o.monthlyQuota, "overrides.monthlyQuota"),
    prepaid: typeof o.prepaid === "boolean" ? o.prepaid : start.prepaid,
    rateLimit,
    modelPrices,
    microUsdPerUnit:
      o.microUsdPerUnit === undefined ? start.microUsdPerUnit : count(o.microUsdPerUnit, "overrides.microUsdPerUnit"),
  };
}
