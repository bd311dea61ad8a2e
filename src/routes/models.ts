/** The task API's catalogue, mounted at /v1/models: what each model does, takes, returns and costs. */
import { Hono } from "hono";
import type { ModelEntry } from "../models/entry";
import type { Registry } from "../models/registry";
import type { AppEnv, Guards } from "../types";

function describeVersion(entry: ModelEntry) {
  const m = entry.manifest;
  return {
    version: m.version,
    quantization: m.quantization.scheme,
    metrics: m.metrics,
    pricing: { units_per_request: m.pricing.perRequest, units_per_item: m.pricing.perItem },
    bytes: m.file.bytes,
    sha256: m.file.sha256,
    created: m.created,
  };
}

function describeModel(name: string, versions: ModelEntry[]) {
  const latest = versions[0]?.manifest;
  if (!latest) return { name, versions: [] };
  return {
    name,
    description: latest.description,
    task: latest.task,
    latest_version: latest.version,
    max_batch_size: latest.maxBatchSize,
    ...(latest.labels ? { labels: latest.labels } : {}),
    ...(latest.predict ? { predict: { input: latest.predict.input, output: latest.predict.output } } : {}),
    inputs: latest.inputs,
    outputs: latest.outputs,
    versions: versions.map(describeVersion),
  };
}

export function modelRoutes(registry: Registry, guards: Guards) {
  const app = new Hono<AppEnv>();
  app.get("/", guards.metadata, (c) =>
    c.json({ models: registry.list().map((m) => describeModel(m.name, m.versions)) }),
  );
  app.get("/:name", guards.metadata, (c) => {
    const name = registry.resolve(c.req.param("name")).manifest.name;
    const versions = registry.list().find((m) => m.name === name)?.versions ?? [];
    return c.json(describeModel(name, versions));
  });
  return app;
}
