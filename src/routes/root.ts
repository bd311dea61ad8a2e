/** `GET /`: what this server is and where its APIs are, for whoever opens it in a browser or curls it first. */
import { Hono } from "hono";
import pkg from "../../package.json";
import type { Registry } from "../models/registry";
import type { AppEnv } from "../types";

export function rootRoutes(registry: Registry) {
  const app = new Hono<AppEnv>();
  app.get("/", (c) =>
    c.json({
      name: pkg.name,
      version: pkg.version,
      description: pkg.description,
      models: registry.list().map((m) => m.name),
      auth: "inference and usage need 'Authorization: Bearer <API key>' (npm run keys -- create --account NAME)",
      apis: {
        task: { list: "GET /v1/models", predict: "POST /v1/models/{model}/predict", usage: "GET /v1/usage" },
        open_inference_protocol_v2: {
          server: "GET /v2",
          health: ["GET /v2/health/live", "GET /v2/health/ready"],
          model: "GET /v2/models/{model}[/versions/{version}]",
          ready: "GET /v2/models/{model}[/versions/{version}]/ready",
          infer: "POST /v2/models/{model}[/versions/{version}]/infer",
        },
      },
    }),
  );
  return app;
}
