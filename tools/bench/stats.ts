/** Percentiles of timing samples (nearest rank), in the samples' unit. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

export const latency = (ms: readonly number[]): Latency => ({
  p50: round(percentile(ms, 50)),
  p99: round(percentile(ms, 99)),
  samples: ms.length,
});

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** Times `iterations` sequential calls after `warmup` untimed ones; milliseconds each. */
export async function timeCalls(call: () => Promise<unknown>, iterations: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return ms;
}
