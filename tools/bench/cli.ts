/**
 * `npm run bench [-- --quick]`: measures the Worker against onnxruntime-node (native) and a plain Node server, on
 * this machine, over loopback only; writes bench/results/<date>.json, prints a markdown table and puts it in the
 * README's "Performance" section. Bounded: 3½ minutes on 2 cores with the six bundled models (it measures every
 * served model, so it grows with them), 40 s with --quick; it stops by itself.
 */
import { type ChildProcess, fork, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { printUsage, runMain } from "../cli.ts";
import { REPO_ROOT } from "../repository/files.ts";
import { type LoadResult, runLoad } from "./http.ts";
import { benchModels, inferBody } from "./models.ts";
import { rssBytes } from "./proc.ts";
import { renderReport, updateReadme } from "./report.ts";
import { ortNodeLatency, ortWebLatency } from "./runtimes.ts";
import { uploadSizes } from "./size.ts";
import { latency, round } from "./stats.ts";
import { BUILD_DIR, benchKey, buildWorker, startWorkerd } from "./workerd.ts";

const PORTS = { workerd: 8790, baseline: 8791, wranglerDev: 8792 };

export interface BenchConfig {
  quick: boolean;
  iterations: Record<number, number>;
  batches: number[];
  connections: number[];
  seconds: number;
  /** In-isolate samples per model and batch (each the mean of a ~10 ms run of calls). */
  samples: number;
}

function config(quick: boolean): BenchConfig {
  return quick
    ? { quick, iterations: { 1: 100, 64: 30 }, batches: [1, 64], connections: [8], seconds: 2, samples: 10 }
    : { quick, iterations: { 1: 500, 64: 150 }, batches: [1, 64], connections: [1, 8, 32], seconds: 4, samples: 40 };
}

const log = (line: string) => console.error(`bench: ${line}`);

/** The bench stops by itself: past this, whatever hangs is killed and the run fails. */
const DEADLINE_MS = 8 * 60 * 1000;
const children = new Set<ChildProcess>();

function watchdog(): void {
  setTimeout(() => {
    log(`still running after ${DEADLINE_MS / 60_000} minutes: stopping`);
    for (const child of children) child.kill("SIGKILL");
    process.exit(3);
  }, DEADLINE_MS).unref();
}

async function waitFor(child: ChildProcess, pattern: RegExp, ms: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: no ${pattern} within ${ms} ms`)), ms);
    const onData = (chunk: Buffer) => {
      if (pattern.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("message", () => {
      clearTimeout(timer);
      resolve();
    });
    child.on("exit", (code) => reject(new Error(`bench: process exited with ${code} before it was ready`)));
  });
}

async function main() {
  const { values } = parseArgs({ options: { quick: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) return printUsage(import.meta.url);
  const cfg = config(values.quick ?? false);
  watchdog();
  const started = performance.now();
  const models = benchModels();

  log("building the Worker (wrangler deploy --dry-run)");
  buildWorker();
  const size = uploadSizes(BUILD_DIR);

  log("in-runtime latency: onnxruntime-node and onnxruntime-web in Node");
  const runtime: Record<string, Record<string, unknown>> = {};
  for (const model of models) {
    for (const batch of cfg.batches) {
      const n = cfg.iterations[batch] ?? 100;
      runtime[`${model.manifest.name}@${batch}`] = {
        native: await ortNodeLatency(model, batch, n),
        ortWebNode: await ortWebLatency(model, batch, n),
      };
    }
  }

  log("workerd: cold start, memory, in-isolate latency");
  const workerd = await startWorkerd(PORTS.workerd);
  children.add(workerd.process);
  const results: Record<string, unknown> = {};
  try {
    const rssIdle = rssBytes(workerd.pid);
    const first = models[0]?.manifest.name ?? "iris";
    const t0 = performance.now();
    const ready = await fetch(`${workerd.url}/v2/models/${first}/ready`);
    const firstMs = performance.now() - t0;
    if (!ready.ok) throw new Error(`bench: ${first} not ready: ${await ready.text()}`);
    const t1 = performance.now();
    const firstBody = models[0] ? inferBody(models[0].manifest, 1) : "{}";
    const firstInfer = await fetch(`${workerd.url}/__bench/v2/models/${first}/infer`, {
      method: "POST",
      body: firstBody,
    });
    const firstInferMs = performance.now() - t1;
    if (!firstInfer.ok) throw new Error(`bench: first infer failed: ${await firstInfer.text()}`);
    const parts = (await (await fetch(`${workerd.url}/__bench/startup`)).json()) as {
      runtimeMs?: number;
      instantiateMs?: number;
      sessionMs: Record<string, number>;
    };
    await fetch(`${workerd.url}/v2/health/ready`);
    const loaded = (await (await fetch(`${workerd.url}/__bench/startup`)).json()) as { wasmMemoryBytes: number | null };
    results.coldStart = {
      workerdReadyMs: round(workerd.readyMs, 1),
      firstRequestMs: round(firstMs, 1),
      runtimeStartMs: round(parts.runtimeMs ?? 0, 1),
      instantiateMs: round(parts.instantiateMs ?? 0, 1),
      sessionCreateMs: Object.fromEntries(Object.entries(parts.sessionMs).map(([k, v]) => [k, round(v, 2)])),
      firstInferenceMs: round(firstInferMs, 1),
      coldFirstInferenceMs: round(firstMs + firstInferMs, 1),
    };
    results.memory = {
      workerdRssIdleBytes: rssIdle,
      workerdRssModelsLoadedBytes: rssBytes(workerd.pid),
      wasmMemoryBytes: loaded.wasmMemoryBytes,
    };

    for (const model of models) {
      for (const batch of cfg.batches) {
        const res = await fetch(
          `${workerd.url}/__bench/latency/${model.manifest.name}?batch=${batch}&samples=${cfg.samples}`,
        );
        const { ms, callsPerSample } = (await res.json()) as { ms: number[]; callsPerSample: number };
        const entry = runtime[`${model.manifest.name}@${batch}`] ?? {};
        entry.workerd = { ...latency(ms), callsPerSample };
      }
    }
    results.runtime = runtime;

    log("HTTP on one workerd process: bare route, billing off, billing on");
    const key = await benchKey(workerd.url);
    const http: Record<string, LoadResult[]> = {};
    const bare = [];
    for (const c of cfg.connections)
      bare.push(await runLoad({ url: `${workerd.url}/v2/health/live` }, c, cfg.seconds, workerd.pid));
    http["workerd bare route"] = bare;
    for (const model of models) {
      const body = inferBody(model.manifest, 1);
      const off = [];
      const on = [];
      for (const c of cfg.connections) {
        off.push(
          await runLoad(
            { url: `${workerd.url}/__bench/v2/models/${model.manifest.name}/infer`, method: "POST", body },
            c,
            cfg.seconds,
            workerd.pid,
          ),
        );
        on.push(
          await runLoad(
            {
              url: `${workerd.url}/v2/models/${model.manifest.name}/infer`,
              method: "POST",
              body,
              headers: { Authorization: `Bearer ${key}` },
            },
            c,
            cfg.seconds,
            workerd.pid,
          ),
        );
      }
      http[`workerd ${model.manifest.name} billing off`] = off;
      http[`workerd ${model.manifest.name} billing on`] = on;
    }

    log("HTTP on the Node baseline (node:http + onnxruntime-node)");
    const baseline = fork(join(REPO_ROOT, "tools/bench/node-baseline.ts"), [String(PORTS.baseline)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    children.add(baseline);
    try {
      await waitFor(baseline, /listening/, 30_000); // the baseline also says "ready" over IPC
      const pid = baseline.pid as number;
      for (const model of models) {
        const body = inferBody(model.manifest, 1);
        const rows = [];
        for (const c of cfg.connections) {
          rows.push(
            await runLoad(
              {
                url: `http://127.0.0.1:${PORTS.baseline}/v2/models/${model.manifest.name}/infer`,
                method: "POST",
                body,
              },
              c,
              cfg.seconds,
              pid,
            ),
          );
        }
        http[`node baseline ${model.manifest.name}`] = rows;
      }
    } finally {
      baseline.kill();
    }

    if (!cfg.quick) {
      log("HTTP through wrangler dev (what users see locally)");
      const wranglerJs = join(REPO_ROOT, "node_modules/wrangler/bin/wrangler.js");
      const dev = spawn(
        process.execPath,
        [wranglerJs, "dev", "--port", String(PORTS.wranglerDev), "--var", "BENCH_ROUTES:true"],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      try {
        await waitFor(dev, /Ready on/, 60_000);
        const model = models[0];
        const url = `http://127.0.0.1:${PORTS.wranglerDev}`;
        http["wrangler dev bare route"] = [await runLoad({ url: `${url}/v2/health/live` }, 8, cfg.seconds)];
        if (model) {
          const body = inferBody(model.manifest, 1);
          http[`wrangler dev ${model.manifest.name} billing off`] = [
            await runLoad(
              { url: `${url}/__bench/v2/models/${model.manifest.name}/infer`, method: "POST", body },
              8,
              cfg.seconds,
            ),
          ];
        }
      } finally {
        dev.kill("SIGINT");
      }
    }
    results.http = http;
  } finally {
    await workerd.dispose();
  }

  const report = {
    date: new Date().toISOString(),
    command: cfg.quick ? "npm run bench -- --quick" : "npm run bench",
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      node: process.version,
    },
    config: cfg,
    size,
    ...results,
    elapsedSeconds: round((performance.now() - started) / 1000, 1),
  };
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.date.slice(0, 10)}${cfg.quick ? "-quick" : ""}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderReport(report);
  console.log(markdown);
  if (!cfg.quick) updateReadme(markdown);
  // The repository's formatter owns the layout of committed files: format what the bench wrote, so lint stays green.
  spawnSync(
    process.execPath,
    [join(REPO_ROOT, "node_modules/@biomejs/biome/bin/biome"), "format", "--write", file, join(REPO_ROOT, "README.md")],
    {
      cwd: REPO_ROOT,
      stdio: "ignore",
    },
  );
  log(`wrote ${file} in ${report.elapsedSeconds} s`);
}

await runMain(import.meta.url, "bench", main);
