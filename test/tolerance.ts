/** The largest absolute difference between two equally long lists of numbers (Infinity when lengths differ). */
export function maxAbsDiff(actual: readonly (number | boolean)[], expected: readonly number[]): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  return actual.reduce<number>((max, a, i) => Math.max(max, Math.abs(Number(a) - (expected[i] ?? Number.NaN))), 0);
}
