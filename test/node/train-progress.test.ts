import { describe, expect, it } from "vitest";
import { bar, eta, formatDuration, Progress } from "../../tools/train/progress.ts";

/** A stand-in terminal or log file: collects what is written. */
function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream };
}

describe("training progress", () => {
  it("formats durations and bars", () => {
    expect(formatDuration(5.4)).toBe("5s");
    expect(formatDuration(125)).toBe("2m05s");
    expect(formatDuration(Number.NaN)).toBe("?");
    expect(bar(0.5, 10)).toBe("[#####.....]");
    expect(bar(2, 4)).toBe("[####]");
  });

  it("estimates the time left from the pace so far", () => {
    // 10 of 40 batches in 20 s: 30 batches left at 2 s each.
    expect(eta({ epoch: 2, epochs: 4, batch: 0, batches: 10, loss: 1, elapsed: 20 })).toBe(60);
  });

  it("draws a bar on a terminal and writes one line per epoch either way", () => {
    const tty = stream(true);
    const p = new Progress("accuracy", tty.out);
    p.batch({ epoch: 1, epochs: 2, batch: 5, batches: 5, loss: 0.5, elapsed: 10 });
    p.epoch({ epoch: 1, loss: 0.5, testMetric: 0.9123, seconds: 10 }, 2);
    expect(tty.written[0]).toMatch(/epoch 1\/2 \[#+\] 5\/5 loss 0\.5000 · ETA 10s/);
    expect(tty.written[1]).toMatch(/epoch 1\/2 {2}loss 0\.5000 {2}test accuracy 91\.23% {2}10\.0s {2}ETA 10s\n$/);

    const log = stream(false);
    const q = new Progress("mse", log.out);
    q.batch({ epoch: 2, epochs: 2, batch: 5, batches: 5, loss: 0.5, elapsed: 10 });
    q.epoch({ epoch: 2, loss: 0.25, testMetric: 0.0123, seconds: 3 }, 2);
    expect(log.written).toEqual(["epoch 2/2  loss 0.2500  test mse 0.01230  3.0s\n"]);
  });
});
