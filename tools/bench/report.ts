/** The bench's markdown: tables for the README's "Performance" section, and the targets met or missed. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../repository/files.ts";
import type { LoadResult } from "./http.ts";
import type { ModuleSize } from "./size.ts";
import type { Latency } from "./stats.ts";

export interface Report {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  size: { modules: ModuleSize[]; total: { raw: number; gzip: number } };
  runtime?: Record<string, Record<string, unknown>>;
  http?: Record<string, LoadResult[]>;
  coldStart?: {
    coldFirstInferenceMs: number;
    workerdReadyMs: number;
    runtimeStartMs: number;
    instantiateMs: number;
    sessionCreateMs: Record<string, number>;
    firstRequestMs: number;
    firstInferenceMs: number;
  };
  memory?: { workerdRssIdleBytes: number; workerdRssModelsLoadedBytes: number; wasmMemoryBytes: number | null };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
const ms = (l: Latency | undefined) => (l ? `${l.p50.toFixed(3)} / ${l.p99.toFixed(3)}` : "–");
const GZIP_TARGET = 4 * 1000 * 1000;

function targets(r: Report): string[] {
  const rows: string[] = [];
  const runtime = r.runtime ?? {};
  for (const [key, v] of Object.entries(runtime)) {
    const [model] = key.split("@");
    if (!model?.endsWith("int8")) continue;
    const w = v.workerd as Latency | undefined;
    const n = v.native as Latency | undefined;
    if (w && n) {
      const ratio = w.p50 / n.p50;
      rows.push(
        `| int8 in-Worker p50 ≤ 1.5× native (${key}) | ${ratio.toFixed(2)}× | ${ratio <= 1.5 ? "met" : "not met"} |`,
      );
    }
  }
  const http = r.http ?? {};
  for (const [name, on] of Object.entries(http)) {
    const match = /^workerd (.+) billing on$/.exec(name);
    const off = match ? http[`workerd ${match[1]} billing off`] : undefined;
    const on8 = on.find((x) => x.connections === 8);
    const off8 = off?.find((x) => x.connections === 8);
    if (on8 && off8) {
      const share = (on8.p50 - off8.p50) / on8.p50;
      rows.push(
        `| billing overhead ≤ 15% of HTTP p50 (${match?.[1]}, 8 conns) | ${(share * 100).toFixed(0)}% | ${share <= 0.15 ? "met" : "not met"} |`,
      );
    }
    const base = match ? http[`node baseline ${match[1]}`] : undefined;
    for (const c of [8, 32]) {
      const w = off?.find((x) => x.connections === c);
      const b = base?.find((x) => x.connections === c);
      if (w && b) {
        const ratio = w.rps / b.rps;
        rows.push(
          `| Worker req/s ≥ Node baseline (${match?.[1]}, ${c} conns) | ${ratio.toFixed(2)}× | ${ratio >= 1 ? "met" : "not met"} |`,
        );
      }
    }
  }
  if (r.coldStart) {
    const c = r.coldStart.coldFirstInferenceMs;
    rows.push(`| cold first inference ≤ 150 ms | ${c.toFixed(0)} ms | ${c <= 150 ? "met" : "not met"} |`);
  }
  rows.push(
    `| total upload ≤ 4 MB gzip | ${mib(r.size.total.gzip)} | ${r.size.total.gzip <= GZIP_TARGET ? "met" : "not met"} |`,
  );
  return rows;
}

export function renderReport(r: Report): string {
  const lines = [
    `Measured ${r.date.slice(0, 10)} with \`${r.command}\` on ${r.machine.cores} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}.`,
    "",
    "**Targets**",
    "",
    "| target | measured | |",
    "| --- | --- | --- |",
    ...targets(r),
    "",
    "**In-runtime latency**, one session run, p50 / p99 ms (onnxruntime-node native on one thread is the upper bound;",
    "in workerd the clock moves in whole milliseconds between I/O, so each Worker sample is the mean of a ~10 ms run of calls):",
    "",
    "| model @ batch | native | onnxruntime-web in Node | in the Worker (workerd) | Worker ÷ native (p50) |",
    "| --- | --- | --- | --- | --- |",
    ...Object.entries(r.runtime ?? {}).map(([key, v]) => {
      const n = v.native as Latency | undefined;
      const w = v.workerd as Latency | undefined;
      return `| ${key} | ${ms(n)} | ${ms(v.ortWebNode as Latency | undefined)} | ${ms(w)} | ${n && w ? `${(w.p50 / n.p50).toFixed(2)}×` : "–"} |`;
    }),
    "",
    "**HTTP end to end** (autocannon on loopback, one batch-1 JSON request each; CPU is the server process's):",
    "",
    "| server | connections | p50 ms | p99 ms | req/s | server CPU ms / 1,000 req |",
    "| --- | --- | --- | --- | --- | --- |",
    ...Object.entries(r.http ?? {}).flatMap(([name, rows]) =>
      rows.map((x) => `| ${name} | ${x.connections} | ${x.p50} | ${x.p99} | ${x.rps} | ${x.cpuMsPer1000 ?? "–"} |`),
    ),
    "",
  ];
  if (r.coldStart) {
    const c = r.coldStart;
    const sessions = Object.entries(c.sessionCreateMs)
      .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
      .join(", ");
    lines.push(
      `**Cold start**: workerd starts, compiles the modules and evaluates the Worker in ${c.workerdReadyMs.toFixed(0)} ms ` +
        "(the Worker starts onnxruntime at isolate start-up, as Cloudflare does during the TLS handshake; the clock " +
        `does not move at global scope, so that part reads ${c.runtimeStartMs.toFixed(0)} ms, wasm instantiate ` +
        `${c.instantiateMs.toFixed(0)} ms). From the first request: model ready ${c.firstRequestMs.toFixed(0)} ms ` +
        `(session creation ${sessions}), first inference ${c.firstInferenceMs.toFixed(0)} ms more: ` +
        `**${c.coldFirstInferenceMs.toFixed(0)} ms** to the first answer.`,
      "",
    );
  }
  if (r.memory) {
    const m = r.memory;
    lines.push(
      `**Memory** with every model loaded: onnxruntime's WebAssembly memory ${m.wasmMemoryBytes === null ? "–" : mib(m.wasmMemoryBytes)} ` +
        "of the isolate's 128 MB (JS heap + wasm memory; workerd exposes no JS heap figure, and our JS state is small: the " +
        `registry and bundled model bytes); workerd process RSS ${mib(m.workerdRssIdleBytes)} before the first request, ` +
        `${mib(m.workerdRssModelsLoadedBytes)} after (RSS also counts workerd itself and compiled code).`,
      "",
    );
  }
  lines.push(
    "**Upload** (`wrangler deploy --dry-run`): " +
      r.size.modules.map((m) => `${m.file} ${kib(m.raw)} (${kib(m.gzip)} gzip)`).join(", ") +
      `; total ${mib(r.size.total.raw)}, **${mib(r.size.total.gzip)} gzip** of the 10 MB (Paid) limit.`,
  );
  return lines.join("\n");
}

const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

/** Replaces the README's bench section (between the markers) with the new tables. */
export function updateReadme(markdown: string): void {
  const path = join(REPO_ROOT, "README.md");
  const readme = readFileSync(path, "utf8");
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from)
    throw new Error("bench: README.md has no <!-- bench:start --> … <!-- bench:end --> section");
  writeFileSync(path, `${readme.slice(0, from + START.length)}\n${markdown}\n${readme.slice(to)}`);
}
