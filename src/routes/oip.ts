/**
 * Open Inference Protocol v2 (KServe / Triton REST), mounted at /v2, with Triton's binary tensor data extension.
 * Infer is two steps, `decodeInfer` then `runInfer`, so metering sits between them as middleware.
 */
import { Hono, type MiddlewareHandler } from "hono";
import pkg from "../../package.json";
import { runInference } from "../inference/run";
import { getSession } from "../inference/sessions";
import { readBody } from "../middleware/body";
import type { ModelEntry } from "../models/entry";
import type { Registry } from "../models/registry";
import { frame, HEADER_LENGTH } from "../oip/body";
import { parseInferRequest } from "../oip/request";
import { encodeResponse } from "../oip/response";
import { validateRequest } from "../oip/validate";
import type { AppEnv, Guards } from "../types";

const metadata = (entry: ModelEntry, versions: string[]) => ({
  name: entry.manifest.name,
  versions,
  platform: "onnxruntime_onnx",
  inputs: entry.manifest.inputs,
  outputs: entry.manifest.outputs,
  parameters: { max_batch_size: entry.manifest.maxBatchSize, task: entry.manifest.task },
});

export function oipRoutes(registry: Registry, guards: Guards) {
  const app = new Hono<AppEnv>();
  const versionsOf = (name: string) =>
    registry
      .list()
      .find((m) => m.name === name)
      ?.versions.map((v) => v.manifest.version) ?? [];

  app.get("/", (c) => c.json({ name: pkg.name, version: pkg.version, extensions: ["binary_tensor_data"] }));
  app.get("/health/live", (c) => c.json({ live: true }));
  // Strict readiness, as Triton's default: ready once the runtime is up and every served model version loads.
  app.get("/health/ready", async (c) => {
    await Promise.all(registry.list().flatMap((m) => m.versions.map((v) => getSession(v))));
    return c.json({ ready: true });
  });

  for (const prefix of ["/models/:name", "/models/:name/versions/:version"]) {
    app.get(prefix, guards.metadata, (c) => {
      const entry = registry.resolve(c.req.param("name") ?? "", c.req.param("version"));
      return c.json(metadata(entry, versionsOf(entry.manifest.name)));
    });
    app.get(`${prefix}/ready`, guards.metadata, async (c) => {
      const entry = registry.resolve(c.req.param("name") ?? "", c.req.param("version"));
      await getSession(entry);
      return c.json({ name: entry.manifest.name, version: entry.manifest.version, ready: true });
    });
    app.post(`${prefix}/infer`, guards.caller, decodeInfer(registry), guards.meter, runInfer);
  }
  return app;
}

/** Parses the body (JSON or binary framing) and checks it against the model; sets `c.var.inference`. */
export function decodeInfer(registry: Registry): MiddlewareHandler<AppEnv> {
  return async function decodeInferRequest(c, next) {
    const entry = registry.resolve(c.req.param("name") ?? "", c.req.param("version"));
    const body = await readBody(c);
    const framed = frame(body, c.req.header(HEADER_LENGTH));
    const inputs = entry.manifest.inputs;
    const request = parseInferRequest(framed, inputs.length === 1 ? inputs[0] : undefined);
    c.set("inference", {
      entry,
      request: validateRequest(request, entry.manifest),
      parameters: request.parameters,
      body,
      ...(request.id === undefined ? {} : { id: request.id }),
    });
    await next();
  };
}

export const runInfer: MiddlewareHandler<AppEnv> = async function runInferRequest(c) {
  const { entry, request, id } = c.get("inference");
  const outputs = await runInference(entry, request);
  const { body, headers } = encodeResponse({
    modelName: entry.manifest.name,
    modelVersion: entry.manifest.version,
    ...(id === undefined ? {} : { id }),
    outputs,
  });
  return c.body(body, 200, headers);
};
