/** The Worker: the app over the bundled models (models/index.ts, generated), and its Durable Objects. Wiring only. */
import { MODELS } from "../models/index";
import { createApp } from "./app";
import { ort } from "./inference/runtime";
import { createRegistry } from "./models/registry";

const app = createApp(createRegistry(MODELS));

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;

export { Account } from "./billing/account.do";
export { Directory } from "./billing/directory.do";

// Start onnxruntime while the isolate starts rather than on its first request: Cloudflare starts isolates during the
// TLS handshake, so this work overlaps connection set-up instead of adding to the first inference. ORT's start-up is
// well inside the start-up CPU limit (~0.2 s measured by `npm run bench`); a failure here is not cached, and the
// first request that needs the runtime tries again and reports why.
ort().catch(() => undefined);
