/**
 * Builds the HTTP app over a model registry. `src/index.ts` serves it with the bundled models; tests build it over
 * other registries (a tampered model, say) to exercise failure paths in workerd.
 */
import { Hono } from "hono";
import { ApiError, renderError } from "./errors";
import { requestId } from "./middleware/request-id";
import type { Registry } from "./models/registry";
import { modelRoutes } from "./routes/models";
import { oipRoutes } from "./routes/oip";
import { predictRoutes } from "./routes/predict";
import { rootRoutes } from "./routes/root";
import type { AppEnv } from "./types";

export function createApp(registry: Registry) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.route("/", rootRoutes(registry));
  app.route("/v2", oipRoutes(registry));
  app.route("/v1/models", modelRoutes(registry));
  app.route("/v1/models", predictRoutes(registry));
  app.notFound((c) => {
    throw new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
  });
  app.onError(renderError);
  return app;
}
