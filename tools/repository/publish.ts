/**
 * Writes one model version into the repository (`models/<name>/<version>/model.onnx` + manifest.json) and
 * regenerates the Worker's index. The trainer, the default-models script and `models add` all publish through here.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Manifest, parseManifest } from "../../src/models/manifest.ts";
import { MODELS_DIR, publishedFile, sha256 } from "./files.ts";
import { writeIndex } from "./index-file.ts";

/**
 * The price of one item, in billing units: one unit per started 10,000 multiply-accumulates. With `perRequest`
 * this makes a request's price a function of the manifest and the request's batch size alone.
 */
export function unitsPerItem(macsPerItem: number): number {
  return Math.max(1, Math.ceil(macsPerItem / 10_000));
}

export const UNITS_PER_REQUEST = 10;

export type ManifestDraft = Omit<Manifest, "schemaVersion" | "file" | "created">;

export interface Published {
  dir: string;
  manifest: Manifest;
  served: string[];
}

/** Republishing the very same file keeps its creation date, so a reproducible rebuild leaves no diff. */
function previousCreated(dir: string, digest: string): string | undefined {
  const previous = publishedFile(dir);
  return previous?.sha256 === digest ? previous.created : undefined;
}

export function publish(
  draft: ManifestDraft,
  bytes: Uint8Array,
  options: { dir?: string; files?: Record<string, string | Uint8Array> } = {},
): Published {
  const root = options.dir ?? MODELS_DIR;
  const dir = join(root, draft.name, draft.version);
  const digest = sha256(bytes);
  const manifest = parseManifest(
    {
      schemaVersion: 1,
      ...draft,
      file: { name: "model.onnx", bytes: bytes.length, sha256: digest },
      created: previousCreated(dir, digest) ?? new Date().toISOString(),
    },
    `${draft.name}@${draft.version} manifest`,
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.onnx"), bytes);
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [file, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, file), content);
  return { dir, manifest, served: writeIndex(root) };
}
