/**
 * The trainer's terminal output: a bar that fills during each epoch (loss so far, ETA for the whole run) when
 * stderr is a terminal, and one line per finished epoch either way, so CI logs stay readable.
 */
import type { BatchProgress, EpochRecord } from "./train.ts";

const WIDTH = 24;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Seconds left, from the average pace so far (batches are the same size, so the pace is steady). */
export function eta(p: BatchProgress): number {
  const done = (p.epoch - 1) * p.batches + p.batch;
  const total = p.epochs * p.batches;
  return (p.elapsed / done) * (total - done);
}

export function bar(fraction: number, width = WIDTH): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

export class Progress {
  private readonly tty: boolean;
  private lastDraw = 0;
  private last: BatchProgress | undefined;

  constructor(
    private readonly metric: "accuracy" | "mse",
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  batch(p: BatchProgress): void {
    this.last = p;
    const now = performance.now();
    // Redrawing on every batch costs more than the batch on small models; ten times a second is enough.
    if (!this.tty || (now - this.lastDraw < 100 && p.batch !== p.batches)) return;
    this.lastDraw = now;
    const width = String(p.epochs).length;
    this.out.write(
      `\r\x1b[2Kepoch ${String(p.epoch).padStart(width)}/${p.epochs} ${bar(p.batch / p.batches)} ` +
        `${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} · ETA ${formatDuration(eta(p))}`,
    );
  }

  epoch(r: EpochRecord, epochs: number): void {
    const left = this.last ? eta(this.last) : Number.NaN;
    const width = String(epochs).length;
    const value = this.metric === "accuracy" ? `${(r.testMetric * 100).toFixed(2)}%` : r.testMetric.toPrecision(4);
    this.out.write(
      `${this.tty ? "\r\x1b[2K" : ""}epoch ${String(r.epoch).padStart(width)}/${epochs}  loss ${r.loss.toFixed(4)}  ` +
        `test ${this.metric} ${value}  ${r.seconds.toFixed(1)}s${r.epoch < epochs ? `  ETA ${formatDuration(left)}` : ""}\n`,
    );
  }
}
