import { describe, expect, it } from "vitest";
import { MODELS } from "../../models/index";
import { parseManifest } from "../../src/models/manifest";

describe("committed models", () => {
  it("serves at least the default models", () => {
    expect(MODELS.map((m) => `${m.manifest.name}@${m.manifest.version}`)).toEqual(
      expect.arrayContaining(["iris@1", "iris-int8@1", "datatypes@1"]),
    );
  });

  it.each(MODELS.map((m) => [`${m.manifest.name}@${m.manifest.version}`, m] as const))(
    "%s has a manifest that passes the schema and describes its bundled file",
    async (_label, { manifest, bytes }) => {
      expect(parseManifest(manifest)).toEqual(manifest);
      expect(bytes.byteLength).toBe(manifest.file.bytes);
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      expect(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")).toBe(manifest.file.sha256);
    },
  );

  it("includes an int8-quantized model that names its fp32 source", () => {
    const int8 = MODELS.find((m) => m.manifest.quantization.scheme === "dynamic-int8");
    const fp32 = MODELS.find((m) => m.manifest.name === "iris");
    expect(int8?.manifest.quantization).toMatchObject({ sourceSha256: fp32?.manifest.file.sha256, perChannel: true });
  });
});
