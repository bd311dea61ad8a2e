import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureDevVars, readDevVars } from "../../tools/dev-vars.ts";

describe(".dev.vars", () => {
  it("gets a random ADMIN_TOKEN on first run, and keeps it afterwards", () => {
    const path = join(mkdtempSync(join(tmpdir(), "edgeinfer-")), ".dev.vars");
    expect(ensureDevVars(path)).toBe(true);
    const token = readDevVars(path).ADMIN_TOKEN;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(ensureDevVars(path)).toBe(false);
    expect(readDevVars(path).ADMIN_TOKEN).toBe(token);
  });

  it("adds the token without touching the developer's other variables", () => {
    const path = join(mkdtempSync(join(tmpdir(), "edgeinfer-")), ".dev.vars");
    writeFileSync(path, 'OTHER="kept"');
    ensureDevVars(path);
    expect(readDevVars(path)).toMatchObject({ OTHER: "kept", ADMIN_TOKEN: expect.any(String) });
    expect(readFileSync(path, "utf8").startsWith('OTHER="kept"\n')).toBe(true);
  });
});
