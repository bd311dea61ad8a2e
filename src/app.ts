/**
 * Builds the HTTP app over a model registry. `src/index.ts` serves it with the bundled models; tests build it over
 * other registries (a tampered model, say) to exercise failure paths in workerd.
 */
import { Hono } from "hono";
import { meter } from "./billing/meter";
import { ApiError, renderError } from "./errors";
import { authenticateUnlessPublic, identify } from "./middleware/auth";
import { requestId } from "./middleware/request-id";
import type { Registry } from "./models/registry";
import { adminRoutes } from "./routes/admin";
import { benchRoutes } from "./routes/bench";
import { modelRoutes } from "./routes/models";
import { oipRoutes } from "./routes/oip";
import { predictRoutes } from "./routes/predict";
import { rootRoutes } from "./routes/root";
import { usageRoutes } from "./routes/usage";
import type { AppEnv, Guards } from "./types";

export function createApp(registry: Registry) {
  const guards: Guards = { metadata: authenticateUnlessPublic(), caller: identify(), meter: meter() };
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.route("/", rootRoutes(registry));
  app.route("/v2", oipRoutes(registry, guards));
  app.route("/v1/models", modelRoutes(registry, guards));
  app.route("/v1/models", predictRoutes(registry, guards));
  app.route("/v1/usage", usageRoutes());
  app.route("/admin", adminRoutes());
  app.route("/__bench", benchRoutes(registry));
  app.notFound((c) => {
    throw new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
  });
  app.onError(renderError);
  return app;
}
