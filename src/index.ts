/** The Worker: the app over the bundled models (models/index.ts, generated). Wiring only. */
import { MODELS } from "../models/index";
import { createApp } from "./app";
import { createRegistry } from "./models/registry";

const app = createApp(createRegistry(MODELS));

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
