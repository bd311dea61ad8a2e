/**
 * The quantizer on a model the trainer never made: built here with the ONNX writer, with a Conv (bias), a Gemm
 * (transB, alpha, beta, bias), a MatMul and ops that must be left alone.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../tools/defaults/random.ts";
import { outputDrift, syntheticFeeds } from "../../tools/onnx/drift.ts";
import { quantizeDynamic } from "../../tools/onnx/quantize.ts";
import { quantizeStatic } from "../../tools/onnx/quantize-static.ts";
import type { Feed } from "../../tools/onnx/run.ts";
import { decodeModel, GraphBuilder, writeModel } from "../../tools/onnx/writer.ts";
import { parseCalibration } from "../../tools/quantize.ts";

const run = promisify(execFile);

function weights(n: number, seed: number, scale = 0.3): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

/** x [batch, 2, 8, 8] → Conv 3×3 (+bias) → Relu → Flatten → Gemm (transB, α 0.5, β 2, +C) → Sigmoid → MatMul. */
function foreignModel(opset = 13): Uint8Array {
  const g = new GraphBuilder("foreign");
  const x = g.input("x", "FP32", ["n", 2, 8, 8]);
  g.output("y", "FP32", ["n", 3]);
  const w = g.initializer("conv_w", "FP32", [6, 2, 3, 3], weights(108, 1));
  const b = g.initializer("conv_b", "FP32", [6], weights(6, 2));
  const [c] = g.node("Conv", [x, w, b], { attrs: { kernel_shape: [3, 3], pads: [0, 0, 0, 0] } });
  const [r] = g.node("Relu", [c as string]);
  const [f] = g.node("Flatten", [r as string], { attrs: { axis: 1 } }); // 6·6·6 = 216
  const gw = g.initializer("gemm_b", "FP32", [48, 216], weights(48 * 216, 3, 0.1));
  const gc = g.initializer("gemm_c", "FP32", [48], weights(48, 4));
  const [h] = g.node("Gemm", [f as string, gw, gc], { attrs: { transB: 1, alpha: 0.5, beta: { float: 2 } } });
  const [s] = g.node("Sigmoid", [h as string]);
  const mw = g.initializer("mm_w", "FP32", [48, 3], weights(144, 5));
  g.node("MatMul", [s as string, mw], { outputs: ["y"] });
  return writeModel(g, { opset });
}

const ops = (bytes: Uint8Array) => decodeModel(bytes).graph?.node?.map((n) => n.opType) ?? [];
const initializer = (bytes: Uint8Array, name: string) =>
  decodeModel(bytes).graph?.initializer?.find((t) => t.name === name);

const calibration: Record<string, Feed>[] = syntheticFeeds(foreignModel(), 4, 16, 11) ?? [];

describe("dynamic quantization", () => {
  it("quantizes Gemm and MatMul weights per channel, leaves Conv and other ops alone, and stays close to fp32", async () => {
    const fp32 = foreignModel();
    const { bytes, report } = quantizeDynamic(fp32);
    expect(report.quantized).toEqual(["Gemm_3", "MatMul_5"]);
    expect(report.skipped).toEqual(["Conv_0: Conv weights need --scheme static"]);
    expect(ops(bytes)).toEqual(
      expect.arrayContaining(["Conv", "Relu", "Flatten", "Sigmoid", "DynamicQuantizeLinear", "MatMulInteger"]),
    );
    expect(ops(bytes)).not.toContain("Gemm");
    expect(initializer(bytes, "gemm_b")).toBeUndefined();
    expect(initializer(bytes, "gemm_b_quantized")?.dims?.map(Number)).toEqual([216, 48]); // transposed for MatMulInteger
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore * 0.4);
    const [drift] = await outputDrift(fp32, bytes, calibration);
    expect(drift?.relative).toBeLessThan(0.02);
    expect(drift?.maxAbs).toBeGreaterThan(0); // it really is a different (int8) computation
  });

  it("refuses a model with nothing to quantize instead of copying it", () => {
    const g = new GraphBuilder("relu");
    g.node("Relu", [g.input("x", "FP32", [2])], { outputs: ["y"] });
    g.output("y", "FP32", [2]);
    expect(() => quantizeDynamic(writeModel(g))).toThrow(/nothing to quantize dynamically/);
  });
});

describe("static quantization (QDQ)", () => {
  it("quantizes Conv, Gemm and MatMul with calibrated activations, int32 biases, and stays close to fp32", async () => {
    const fp32 = foreignModel();
    const { bytes, report } = await quantizeStatic(fp32, calibration);
    expect(report.quantized).toEqual(["Conv_0", "Gemm_3", "MatMul_5"]);
    const kinds = ops(bytes);
    expect(kinds).toEqual(
      expect.arrayContaining(["QuantizeLinear", "DequantizeLinear", "Conv", "Gemm", "MatMul", "Relu", "Sigmoid"]),
    );
    expect(initializer(bytes, "conv_w")).toBeUndefined();
    expect(initializer(bytes, "conv_w_quantized")?.dims?.map(Number)).toEqual([6, 2, 3, 3]);
    expect(initializer(bytes, "conv_w_scale")?.dims?.map(Number)).toEqual([6]); // per output channel
    expect(initializer(bytes, "conv_b_quantized")?.dataType).toBe(6); // INT32
    expect(initializer(bytes, "gemm_b_scale")?.dims?.map(Number)).toEqual([48]); // transB: channels on axis 0
    // The graph input and output stay float; the input is quantized right after it enters.
    expect(decodeModel(bytes).graph?.node?.[0]?.opType).toBe("QuantizeLinear");
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore * 0.4);
    const [drift] = await outputDrift(fp32, bytes, calibration);
    expect(drift?.relative).toBeLessThan(0.05);
    expect(drift?.maxAbs).toBeGreaterThan(0);
  });

  it("needs opset 13 for per-channel DequantizeLinear", async () => {
    await expect(quantizeStatic(foreignModel(12), calibration)).rejects.toThrow(/opset ≥ 13.*opset 12/);
  });
});

describe("npm run quantize", () => {
  it("reads calibration data as OIP request bodies and names what is wrong with them", () => {
    const body = { inputs: [{ name: "x", shape: [1, 2], datatype: "FP32", data: [[1, 2]] }] };
    expect(parseCalibration(JSON.stringify([body, body]), "c.json")).toHaveLength(2);
    expect(() => parseCalibration("{", "c.json")).toThrow(/c.json: not JSON/);
    expect(() => parseCalibration("{}", "c.json")).toThrow(/c.json: expected \{"inputs"/);
    expect(() => parseCalibration(JSON.stringify({ inputs: [{ ...body.inputs[0], data: [1] }] }), "c.json")).toThrow(
      /c.json.inputs\[0\]: 'data' must hold 2 finite numbers/,
    );
    expect(() =>
      parseCalibration(JSON.stringify({ inputs: [{ ...body.inputs[0], datatype: "INT8" }] }), "c.json"),
    ).toThrow(/datatype must be "FP32"/);
  });

  it("quantizes a file statically from the command line and reports sizes and drift", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quantize-"));
    writeFileSync(join(dir, "in.onnx"), foreignModel());
    const batch = calibration[0]?.x;
    const request = {
      inputs: [{ name: "x", shape: batch?.shape, datatype: "FP32", data: Array.from(batch?.data ?? []) }],
    };
    writeFileSync(join(dir, "calib.json"), JSON.stringify(request));
    const { stdout } = await run(process.execPath, [
      "--import",
      "tsx",
      "tools/quantize.ts",
      join(dir, "in.onnx"),
      join(dir, "out.onnx"),
      "--scheme",
      "static",
      "--calib",
      join(dir, "calib.json"),
    ]);
    expect(stdout).toContain("static int8, 3 node(s) quantized");
    expect(stdout).toMatch(/size: \d+ → \d+ bytes \(0\.\d\d×\)/);
    expect(stdout).toMatch(/drift on calibration inputs, output 'y': max/);
    const failed = await run(process.execPath, [
      "--import",
      "tsx",
      "tools/quantize.ts",
      join(dir, "in.onnx"),
      join(dir, "o.onnx"),
      "--scheme",
      "static",
    ]).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining("--scheme static needs --calib FILE") });
  });
});
