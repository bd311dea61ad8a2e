/**
 * One onnxruntime session per model version per isolate, created on first use and cached. Concurrent first
 * requests share one creation. A failed creation (bad file, sha256 mismatch, runtime failure) is remembered for a
 * short while, so a burst of requests does not retry it in a loop, then retried; the error says why.
 */
import type { InferenceSession } from "onnxruntime-web/wasm";
import { sha256Hex } from "../crypto";
import { ApiError } from "../errors";
import type { ModelEntry } from "../models/entry";
import { ort } from "./runtime";
import { startup, timed } from "./startup";

/** How long a failed creation answers 503 before the next request tries again. */
export const RETRY_AFTER_SECONDS = 10;

interface Slot {
  readonly session: Promise<InferenceSession>;
  failure?: { error: ApiError; at: number };
}

const slots = new Map<string, Slot>();

const label = (entry: ModelEntry) => `model '${entry.manifest.name}' version '${entry.manifest.version}'`;

async function create(entry: ModelEntry): Promise<InferenceSession> {
  const actual = await sha256Hex(entry.bytes);
  if (actual !== entry.manifest.file.sha256) {
    // Fail closed: a file that is not the one the manifest describes is never served.
    throw new ApiError(
      "UNAVAILABLE",
      `${label(entry)} is unavailable: its file's sha256 ${actual} does not match the manifest's ${entry.manifest.file.sha256}`,
    );
  }
  const runtime = await ort();
  try {
    return await timed(
      () => runtime.InferenceSession.create(new Uint8Array(entry.bytes), { graphOptimizationLevel: "all" }),
      (ms) => {
        startup.sessionMs[`${entry.manifest.name}@${entry.manifest.version}`] = ms;
      },
    );
  } catch (err) {
    throw new ApiError(
      "UNAVAILABLE",
      `${label(entry)} is unavailable: onnxruntime could not load it: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function asUnavailable(entry: ModelEntry, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(
    "UNAVAILABLE",
    `${label(entry)} is unavailable: ${err instanceof Error ? err.message : String(err)}`,
  );
}

/** The cached session for a model version, created on first use. Throws UNAVAILABLE (503) with the reason. */
export function getSession(entry: ModelEntry): Promise<InferenceSession> {
  const key = `${entry.manifest.name}@${entry.manifest.version}`;
  const slot = slots.get(key);
  if (slot?.failure && Date.now() - slot.failure.at < RETRY_AFTER_SECONDS * 1000) {
    return Promise.reject(
      new ApiError(slot.failure.error.code, slot.failure.error.message, { "Retry-After": String(RETRY_AFTER_SECONDS) }),
    );
  }
  if (slot && !slot.failure) return slot.session;
  const fresh: Slot = {
    session: create(entry).catch((err: unknown) => {
      const error = asUnavailable(entry, err);
      fresh.failure = { error, at: Date.now() };
      throw new ApiError(error.code, error.message, { "Retry-After": String(RETRY_AFTER_SECONDS) });
    }),
  };
  slots.set(key, fresh);
  return fresh.session;
}
