/**
 * The training-curve plot published next to a model: training loss and held-out metric per epoch, as a small
 * self-contained SVG (no fonts or scripts to load, so it renders the same on GitHub and in a browser).
 */
import type { EpochRecord } from "./train.ts";

const W = 360;
const H = 220;
const PAD = { left: 56, right: 16, top: 28, bottom: 40 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function niceRange(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi === lo) return [lo - 0.5 || -1, hi + 0.5 || 1];
  const pad = (hi - lo) * 0.08;
  return [lo - pad, hi + pad];
}

function panel(
  title: string,
  epochs: number[],
  values: number[],
  x0: number,
  colour: string,
  format: (v: number) => string,
): string {
  const [lo, hi] = niceRange(values);
  const maxEpoch = Math.max(...epochs, 2);
  const px = (e: number) => x0 + PAD.left + ((e - 1) / (maxEpoch - 1)) * (W - PAD.left - PAD.right);
  const py = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const ticks = [lo, (lo + hi) / 2, hi];
  const points = epochs.map((e, i) => `${px(e).toFixed(1)},${py(values[i] ?? 0).toFixed(1)}`).join(" ");
  const epochTicks = [...new Set([1, Math.round((1 + maxEpoch) / 2), maxEpoch])];
  return [
    `<text x="${x0 + PAD.left}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${x0 + PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#bbb"/>`,
    ...ticks.map(
      (t) =>
        `<text x="${x0 + PAD.left - 6}" y="${py(t) + 4}" font-size="10" text-anchor="end">${esc(format(t))}</text>`,
    ),
    ...epochTicks.map(
      (e) => `<text x="${px(e)}" y="${H - PAD.bottom + 14}" font-size="10" text-anchor="middle">${e}</text>`,
    ),
    `<text x="${x0 + (W + PAD.left - PAD.right) / 2}" y="${H - 8}" font-size="11" text-anchor="middle">epoch</text>`,
    `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`,
    ...epochs.map(
      (e, i) => `<circle cx="${px(e).toFixed(1)}" cy="${py(values[i] ?? 0).toFixed(1)}" r="2.5" fill="${colour}"/>`,
    ),
  ].join("\n  ");
}

export function trainingCurveSvg(title: string, history: EpochRecord[], metric: "accuracy" | "mse"): string {
  const epochs = history.map((r) => r.epoch);
  const metricFormat =
    metric === "accuracy" ? (v: number) => `${(v * 100).toFixed(1)}%` : (v: number) => v.toPrecision(3);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 20}" viewBox="0 0 ${2 * W} ${H + 20}" font-family="sans-serif">`,
    `  <title>${esc(title)}</title>`,
    `  <rect width="100%" height="100%" fill="white"/>`,
    `  ${panel(
      "training loss",
      epochs,
      history.map((r) => r.loss),
      0,
      "#1f77b4",
      (v) => v.toPrecision(3),
    )}`,
    `  ${panel(
      `held-out ${metric}`,
      epochs,
      history.map((r) => r.testMetric),
      W,
      "#d62728",
      metricFormat,
    )}`,
    `  <text x="${W}" y="${H + 14}" font-size="10" text-anchor="middle" fill="#555">${esc(title)}</text>`,
    "</svg>",
    "",
  ].join("\n");
}
