/**
 * The price of a request in units: a function of the model's manifest (or the plan's price for that model), the
 * batch size and nothing else. Never of measured time: clocks do not advance during CPU work in production
 * Workers, and a customer must be able to know the price before sending the request (`dry_run`).
 */
import type { Plan } from "./plans";

export interface Price {
  readonly perRequest: number;
  readonly perItem: number;
}

/** Units for a request: the plan's price for the model if it sets one, else the manifest's. */
export function priceOf(
  model: { name: string; pricing: Price },
  batchSize: number,
  plan: Pick<Plan, "modelPrices">,
): number {
  const price = plan.modelPrices[model.name] ?? model.pricing;
  return price.perRequest + price.perItem * batchSize;
}
