/** The Worker: the app over the bundled models (models/index.ts, generated), and its Durable Objects. Wiring only. */
import { MODELS } from "../models/index";
import { createApp } from "./app";
import { createRegistry } from "./models/registry";

const app = createApp(createRegistry(MODELS));

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;

export { Account } from "./billing/account.do";
export { Directory } from "./billing/directory.do";
