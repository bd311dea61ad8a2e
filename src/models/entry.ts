import type { Manifest } from "./manifest";

/** One served model version, as the generated index (models/index.ts) lists it. */
export interface ModelEntry {
  readonly manifest: Manifest;
  /** The model file's bytes (a Data module); checked against `manifest.file.sha256` before a session is made. */
  readonly bytes: ArrayBuffer;
}
