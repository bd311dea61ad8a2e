/** HTTP load on loopback with autocannon: latency percentiles, requests per second, and the server's CPU time. */
import autocannon from "autocannon";
import { cpuMs } from "./proc.ts";
import { round } from "./stats.ts";

export interface LoadResult {
  connections: number;
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  errors: number;
  /** Server CPU milliseconds per 1,000 requests, when the server's pid is known. */
  cpuMsPer1000?: number;
}

export interface Load {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
}

export async function runLoad(
  load: Load,
  connections: number,
  seconds: number,
  serverPid?: number,
): Promise<LoadResult> {
  const cpuBefore = serverPid === undefined ? 0 : cpuMs(serverPid);
  const result = await autocannon({
    url: load.url,
    method: load.method ?? "GET",
    connections,
    duration: seconds,
    ...(load.body === undefined ? {} : { body: load.body }),
    headers: { "Content-Type": "application/json", ...load.headers },
  });
  const requests = result.requests.total;
  const errors = result.non2xx + result.errors + result.timeouts;
  if (errors > 0)
    throw new Error(`bench: ${errors} of ${requests} requests to ${load.url} failed (non-2xx, errors or timeouts)`);
  return {
    connections,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: round(result.requests.average, 0),
    requests,
    errors,
    ...(serverPid === undefined ? {} : { cpuMsPer1000: round(((cpuMs(serverPid) - cpuBefore) / requests) * 1000, 1) }),
  };
}
