/**
 * The built Worker in one workerd process, through Miniflare: the production runtime without `wrangler dev`'s
 * proxy. It runs what `wrangler deploy --dry-run --outdir` produced, so the bench measures the uploaded bundle.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { REPO_ROOT } from "../repository/files.ts";
import { childPid } from "./proc.ts";

export const BUILD_DIR = join(REPO_ROOT, ".wrangler", "bench");
export const BENCH_ADMIN_TOKEN = "bench-admin-token";
const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

/** Builds the Worker as it would be uploaded; returns wrangler's output (with the total upload size). */
export function buildWorker(): string {
  const out = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", BUILD_DIR], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (out.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${out.stderr}`);
  return out.stdout + out.stderr;
}

export interface Workerd {
  url: string;
  pid: number;
  /** Milliseconds from spawning workerd to accepting requests (process start and module compilation). */
  readyMs: number;
  dispose(): Promise<void>;
}

export async function startWorkerd(port: number): Promise<Workerd> {
  const t0 = performance.now();
  const mf = new Miniflare({
    // Listed explicitly: ORT's bundle holds a dynamic import() Miniflare cannot follow (it is never taken here).
    modules: [
      { type: "ESModule", path: join(BUILD_DIR, "index.js") },
      ...readdirSync(BUILD_DIR)
        .filter((f) => f.endsWith(".wasm") || f.endsWith(".onnx"))
        .map((f) => ({
          type: f.endsWith(".wasm") ? ("CompiledWasm" as const) : ("Data" as const),
          path: join(BUILD_DIR, f),
        })),
    ],
    modulesRoot: BUILD_DIR,
    compatibilityDate: "2026-05-01",
    durableObjects: {
      ACCOUNTS: { className: "Account", useSQLite: true },
      DIRECTORY: { className: "Directory", useSQLite: true },
    },
    bindings: {
      ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      BENCH_ROUTES: "true",
      MAX_BODY_BYTES: "8388608",
      PUBLIC_METADATA: "true",
    },
    host: "127.0.0.1",
    port,
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  const readyMs = performance.now() - t0;
  const pid = childPid(process.pid, "workerd");
  if (pid === undefined) throw new Error("bench: cannot find the workerd process Miniflare started");
  return { url, pid, readyMs, dispose: () => mf.dispose() };
}

/** An account with no quota and no practical rate limit, and its key: the "billing on" line pays per request. */
export async function benchKey(url: string): Promise<string> {
  const headers = { Authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, "Content-Type": "application/json" };
  const name = `bench-${Date.now()}`;
  const overrides = { monthlyQuota: null, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } };
  const created = await fetch(`${url}/admin/accounts`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name, plan: "standard", overrides }),
  });
  if (created.status !== 201) throw new Error(`bench: creating an account: ${created.status} ${await created.text()}`);
  const key = await fetch(`${url}/admin/accounts/${name}/keys`, { method: "POST", headers });
  return ((await key.json()) as { key: string }).key;
}
