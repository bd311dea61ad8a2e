import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Two projects, one `npm test`: Worker behaviour runs inside workerd, Node tools run in Node.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            main: "./src/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            // The admin secret `npm run dev` keeps in .dev.vars; tests must not depend on a developer's file.
            miniflare: { bindings: { ADMIN_TOKEN: "test-admin-token" } },
          }),
        ],
        // The first test in a file compiles ORT's 14 MB wasm inside workerd: seconds, not milliseconds.
        test: { name: "worker", include: ["test/worker/**/*.test.ts"], testTimeout: 60_000 },
      },
      {
        test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node", testTimeout: 60_000 },
      },
    ],
  },
});
