import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MODELS } from "../../models/index";
import { createApp } from "../../src/app";
import { ApiError } from "../../src/errors";
import { getSession, RETRY_AFTER_SECONDS } from "../../src/inference/sessions";
import type { ModelEntry } from "../../src/models/entry";
import { createRegistry } from "../../src/models/registry";
import { testKey } from "../helpers";

const iris = MODELS.find((m) => m.manifest.name === "iris") as ModelEntry;

/** A copy of iris under another name (so it gets its own cache slot), with its own copy of the bytes. */
function copyOfIris(name: string): ModelEntry {
  return { manifest: { ...iris.manifest, name }, bytes: iris.bytes.slice(0) };
}

/** Flips one byte of a model file in place (flipping twice restores it). */
function flipByte(bytes: Uint8Array, at = 100): void {
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
}

const inferBody = JSON.stringify({
  inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2] }],
});

afterEach(() => {
  vi.useRealTimers();
});

describe("model sessions", () => {
  it("shares one creation between concurrent first requests", async () => {
    const entry = copyOfIris("iris-concurrent");
    const [first, second] = [getSession(entry), getSession(entry)];
    expect(first).toBe(second);
    expect(await first).toBe(await getSession(entry));
  });

  it("never serves a model whose bytes do not match the manifest's sha256: 503 naming the mismatch", async () => {
    const tampered = copyOfIris("iris-tampered");
    flipByte(new Uint8Array(tampered.bytes));
    const app = createApp(createRegistry([tampered]));
    const headers = { Authorization: `Bearer ${await testKey()}` };
    const res = await app.request("/v2/models/iris-tampered/infer", { method: "POST", body: inferBody, headers }, env);
    expect(res.status).toBe(503);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(
      /model 'iris-tampered' version '1' is unavailable: its file's sha256 [0-9a-f]{64} does not match/,
    );
    expect(res.headers.get("Retry-After")).toBe(String(RETRY_AFTER_SECONDS));
    expect((await app.request("/v2/models/iris-tampered/ready", {}, env)).status).toBe(503);
    expect((await app.request("/v2/health/ready", {}, env)).status).toBe(503);
  });

  it("retries a failed creation once the retry window has passed, not before", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const entry = copyOfIris("iris-recovers");
    const bytes = new Uint8Array(entry.bytes);
    flipByte(bytes);
    await expect(getSession(entry)).rejects.toThrow(/does not match/);
    flipByte(bytes); // the file is whole again, but the failure is remembered for the window
    const within = await getSession(entry).catch((e: unknown) => e);
    expect(within).toBeInstanceOf(ApiError);
    expect((within as ApiError).headers["Retry-After"]).toBe(String(RETRY_AFTER_SECONDS));
    vi.setSystemTime(Date.now() + (RETRY_AFTER_SECONDS + 1) * 1000);
    await expect(getSession(entry)).resolves.toBeDefined();
  });

  it("reports an unloadable model as unavailable, with onnxruntime's reason", async () => {
    const garbage = new TextEncoder().encode("not an onnx model").buffer as ArrayBuffer;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", garbage));
    const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    const entry: ModelEntry = {
      manifest: { ...iris.manifest, name: "garbage", file: { ...iris.manifest.file, sha256 } },
      bytes: garbage,
    };
    await expect(getSession(entry)).rejects.toThrow(
      /model 'garbage' version '1' is unavailable: onnxruntime could not load it/,
    );
  });
});
