/**
 * Palmer penguins from `vega-datasets` (penguins.json, 344 birds, shipped in the package). The model predicts the
 * species from the four body measurements; the two birds without measurements are dropped (and counted), since
 * the API cannot ask a client to send a value it does not have. Island and sex are not used.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Dataset, seededSplit } from "./dataset.ts";

export const PENGUIN_FEATURES = [
  { column: "Beak Length (mm)", name: "beak_length_mm" },
  { column: "Beak Depth (mm)", name: "beak_depth_mm" },
  { column: "Flipper Length (mm)", name: "flipper_length_mm" },
  { column: "Body Mass (g)", name: "body_mass_g" },
] as const;
export const SPECIES = ["Adelie", "Chinstrap", "Gentoo"] as const;

type Row = Record<string, string | number | null | undefined>;

function readPenguins(): Row[] {
  // The package's `exports` map hides data/; its entry point sits in build/, next to it.
  const entry = createRequire(import.meta.url).resolve("vega-datasets");
  return JSON.parse(readFileSync(join(dirname(entry), "..", "data", "penguins.json"), "utf8")) as Row[];
}

export function loadPenguins(seed: number, options: { limit?: number; testFraction?: number } = {}): Dataset {
  const rows = readPenguins();
  const complete = rows.filter(
    (r) =>
      PENGUIN_FEATURES.every((f) => typeof r[f.column] === "number" && Number.isFinite(r[f.column])) &&
      SPECIES.includes(r.Species as (typeof SPECIES)[number]),
  );
  const size = PENGUIN_FEATURES.length;
  const x = Float32Array.from(complete.flatMap((r) => PENGUIN_FEATURES.map((f) => Number(r[f.column]))));
  const y = Float32Array.from(complete, (r) => SPECIES.indexOf(r.Species as (typeof SPECIES)[number]));
  const testFraction = options.testFraction ?? 0.25;
  return {
    description: `vega-datasets penguins.json (${complete.length} complete of ${rows.length} rows), seeded ${Math.round((1 - testFraction) * 100)}/${Math.round(testFraction * 100)} split (seed ${seed})`,
    itemShape: [size],
    ...seededSplit(x, y, size, seed, testFraction, options.limit),
    dropped: { count: rows.length - complete.length, reason: "a body measurement or the species is missing" },
  };
}
