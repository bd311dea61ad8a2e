/**
 * The served models, from the generated index (models/index.ts). Routes resolve `name[@version]` here; an unknown
 * name or version is a 404 that lists what exists.
 */
import { ApiError } from "../errors";
import type { ModelEntry } from "./entry";

export interface Registry {
  /** Every served model name with its versions, newest first. */
  list(): { name: string; versions: ModelEntry[] }[];
  /** The named version, or the newest served one when `version` is undefined. Throws NOT_FOUND. */
  resolve(name: string, version?: string): ModelEntry;
}

export function createRegistry(entries: readonly ModelEntry[]): Registry {
  const byName = new Map<string, ModelEntry[]>();
  for (const entry of entries) byName.set(entry.manifest.name, [...(byName.get(entry.manifest.name) ?? []), entry]);
  for (const versions of byName.values())
    versions.sort((a, b) => Number(b.manifest.version) - Number(a.manifest.version));
  const names = [...byName.keys()].sort();
  return {
    list: () => names.map((name) => ({ name, versions: byName.get(name) ?? [] })),
    resolve(name, version) {
      const versions = byName.get(name);
      if (!versions)
        throw new ApiError("NOT_FOUND", `model '${name}' not found (models: ${names.join(", ") || "none"})`);
      const entry = version === undefined ? versions[0] : versions.find((v) => v.manifest.version === version);
      if (!entry) {
        throw new ApiError(
          "NOT_FOUND",
          `model '${name}' has no version '${version}' (served versions: ${versions.map((v) => v.manifest.version).join(", ")})`,
        );
      }
      return entry;
    },
  };
}
