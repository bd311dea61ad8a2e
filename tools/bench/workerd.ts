/**
 * The built Worker in one workerd process: the production runtime without `wrangler dev`'s proxy. It runs what
 * `wrangler deploy --dry-run --outdir` produced, so the bench measures the uploaded bundle.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../repository/files.ts";

export const BUILD_DIR = join(REPO_ROOT, ".wrangler", "bench");
export const BENCH_ADMIN_TOKEN = "bench-admin-token";
/** As in wrangler.toml. */
const COMPATIBILITY_DATE = "2026-05-01";
const wrangler = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

/** Builds the Worker as it would be uploaded; returns wrangler's output (with the total upload size). */
export function buildWorker(): string {
  rmSync(BUILD_DIR, { recursive: true, force: true });
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
  /** Milliseconds from spawning workerd to accepting connections (process start, module compilation). */
  readyMs: number;
  process: ChildProcess;
  dispose(): Promise<void>;
}

/** workerd's own configuration for the built Worker: one HTTP socket straight to it, Durable Objects on disk. */
function workerdConfig(port: number, storage: string): string {
  const modules = readdirSync(BUILD_DIR)
    .filter((f) => f.endsWith(".wasm") || f.endsWith(".onnx"))
    .map((f) => `    (name = "${f}", ${f.endsWith(".wasm") ? "wasm" : "data"} = embed "${f}"),`);
  const text = (name: string, value: string) => `    (name = "${name}", text = "${value}"),`;
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "storage", disk = (path = "${storage}", writable = true)),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "index.js"),
${modules.join("\n")}
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [
${text("ADMIN_TOKEN", BENCH_ADMIN_TOKEN)}
${text("BENCH_ROUTES", "true")}
${text("MAX_BODY_BYTES", "8388608")}
${text("PUBLIC_METADATA", "true")}
    (name = "ACCOUNTS", durableObjectNamespace = "Account"),
    (name = "DIRECTORY", durableObjectNamespace = "Directory"),
  ],
  durableObjectNamespaces = [
    (className = "Account", uniqueKey = "edgeinfer-Account", enableSql = true),
    (className = "Directory", uniqueKey = "edgeinfer-Directory", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "storage"),
);
`;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Runs the built Worker with `workerd serve` on a generated config: the production runtime with nothing in front
 * of it. (Miniflare puts an entry Worker of its own before the user's; measured here, that hop cost more CPU per
 * request than this whole Worker's bare route, so it is not what the bench measures.)
 */
export async function startWorkerd(port: number): Promise<Workerd> {
  const storage = mkdtempSync(join(tmpdir(), "edgeinfer-bench-"));
  const configPath = join(BUILD_DIR, "workerd.capnp");
  writeFileSync(configPath, workerdConfig(port, storage));
  const binary = createRequire(import.meta.url).resolve("workerd/bin/workerd");
  const t0 = performance.now();
  const child = spawn(binary, ["serve", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bench: workerd exited with ${child.exitCode}: ${stderr}`);
    // A TCP connect, not a request: the first request the isolate sees should be the bench's cold-start one.
    if (await listening(port)) break;
    if (performance.now() - t0 > 60_000) throw new Error(`bench: workerd did not start within 60 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = performance.now() - t0;
  return {
    url,
    pid: child.pid as number,
    readyMs,
    process: child,
    dispose: async () => {
      child.kill();
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(storage, { recursive: true, force: true });
    },
  };
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
