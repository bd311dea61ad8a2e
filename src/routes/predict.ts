/**
 * The task API for app developers, mounted at /v1/models: `POST /{m}/predict` with `{"instances": [...]}` in the
 * model's natural form, answered with labels and scores (or values). Like /v2 infer it is two steps, decode then
 * run, so billing wraps both APIs the same way.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { invalid } from "../errors";
import { runInference } from "../inference/run";
import { describe, isObject } from "../json";
import { readBody } from "../middleware/body";
import type { Registry } from "../models/registry";
import { parseJsonText } from "../oip/body";
import { validateRequest } from "../oip/validate";
import { instancesTensor } from "../task/instances";
import { predictions } from "../task/predictions";
import type { AppEnv, Guards } from "../types";

function parseTopK(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalid(`top_k: expected a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function predictRoutes(registry: Registry, guards: Guards) {
  const app = new Hono<AppEnv>();
  for (const path of ["/:name/predict", "/:name/versions/:version/predict"]) {
    app.post(path, guards.caller, decodePredict(registry), guards.meter, runPredict);
  }
  return app;
}

function decodePredict(registry: Registry): MiddlewareHandler<AppEnv> {
  return async function decodePredictRequest(c, next) {
    const entry = registry.resolve(c.req.param("name") ?? "", c.req.param("version"));
    const raw = await readBody(c);
    const body = parseJsonText(raw, "request body");
    if (!isObject(body)) throw invalid(`request body: expected {"instances": [...]}, got ${describe(body)}`);
    const { instances, top_k: topK, dry_run, max_units, ...rest } = body;
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      throw invalid(`request body: unknown field '${extra[0]}' (fields: instances, top_k, dry_run, max_units)`);
    }
    const m = entry.manifest;
    const tensor = instancesTensor(instances, m);
    const output = m.predict?.output.tensor ?? "";
    const request = validateRequest(
      { parameters: {}, inputs: [tensor], outputs: [{ name: output, binary: false }], binaryOutputs: false },
      m,
    );
    const k = parseTopK(topK);
    const parameters = {
      ...(dry_run === undefined ? {} : { dry_run }),
      ...(max_units === undefined ? {} : { max_units }),
    };
    c.set("inference", { entry, request, parameters, body: raw, ...(k === undefined ? {} : { topK: k }) });
    await next();
  };
}

const runPredict: MiddlewareHandler<AppEnv> = async function runPredictRequest(c) {
  const { entry, request, topK } = c.get("inference");
  const [output] = await runInference(entry, request);
  if (!output) throw new Error("the model returned no output");
  return c.json({
    model: entry.manifest.name,
    version: entry.manifest.version,
    predictions: predictions(entry.manifest, output, topK),
  });
};
