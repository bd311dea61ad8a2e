import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_ADMIN_TOKEN, buildWorker, startWorkerd, type Workerd } from "../../tools/bench/workerd.ts";

const run = promisify(execFile);

/** `npm run keys -- …` against the built Worker in a real workerd, as an operator would use it. */
async function keys(url: string, ...args: string[]) {
  return run(process.execPath, ["--import", "tsx", "tools/keys.ts", ...args, "--url", url], {
    env: { ...process.env, ADMIN_TOKEN: BENCH_ADMIN_TOKEN },
  });
}

let workerd: Workerd;

beforeAll(async () => {
  buildWorker();
  workerd = await startWorkerd(8795);
}, 120_000);

afterAll(async () => {
  await workerd?.dispose();
});

const infer = (url: string, key: string) =>
  fetch(`${url}/v2/models/iris/infer`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}` },
    body: JSON.stringify({
      inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2] }],
    }),
  });

describe("npm run keys", () => {
  it("creates an account and a key that serves, lists it, and revokes it", async () => {
    const created = await keys(workerd.url, "create", "--account", "cli-test", "--plan", "standard");
    const key = created.stdout.trim();
    expect(key).toMatch(/^ei_[0-9a-f]{16}_[A-Za-z0-9_-]{32}$/);
    expect(created.stderr).toMatch(/created account 'cli-test' on plan standard/);
    expect((await infer(workerd.url, key)).status).toBe(200);

    const listed = await keys(workerd.url, "list", "--account", "cli-test");
    const id = /^(key_[0-9a-f]+)/m.exec(listed.stdout)?.[1] ?? "";
    expect(listed.stdout).toContain(key.slice(0, 24));
    expect(listed.stdout).not.toContain(key);

    await keys(workerd.url, "revoke", "--account", "cli-test", "--id", id);
    expect((await infer(workerd.url, key)).status).toBe(401);
  });

  it("adds a second key to an existing account", async () => {
    const second = await keys(workerd.url, "create", "--account", "cli-test");
    expect((await infer(workerd.url, second.stdout.trim())).status).toBe(200);
  });

  it("says what is wrong with a bad admin token", async () => {
    const failed = await run(
      process.execPath,
      ["--import", "tsx", "tools/keys.ts", "list", "--account", "cli-test", "--url", workerd.url],
      {
        env: { ...process.env, ADMIN_TOKEN: "wrong" },
      },
    ).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/keys: 401: admin API: missing or wrong admin token/),
    });
  });
});
