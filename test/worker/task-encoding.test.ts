import { describe, expect, it } from "vitest";
import { MODELS } from "../../models/index";
import type { Manifest } from "../../src/models/manifest";
import { instancesTensor } from "../../src/task/instances";
import { predictions } from "../../src/task/predictions";

const base = (MODELS.find((m) => m.manifest.name === "iris") as { manifest: Manifest }).manifest;

/** A 2×3 "image" classifier manifest: what a digits model's manifest looks like, at toy size. */
const image: Manifest = {
  ...base,
  name: "toy-image",
  inputs: [{ name: "pixels", datatype: "FP32", shape: [-1, 2, 3] }],
  outputs: [{ name: "logits", datatype: "FP32", shape: [-1, 2] }],
  labels: ["dark", "light"],
  predict: {
    input: { kind: "image", tensor: "pixels", height: 2, width: 3, scale: 1 / 255 },
    output: { kind: "scores", tensor: "logits", scores: "logits", topK: 2 },
  },
};

const tensorModel: Manifest = {
  ...base,
  name: "toy-regressor",
  task: "regression",
  inputs: [{ name: "x", datatype: "INT32", shape: [-1, 2] }],
  outputs: [{ name: "y", datatype: "FP32", shape: [-1, 1] }],
  predict: { input: { kind: "tensor", tensor: "x" }, output: { kind: "values", tensor: "y" } },
};

describe("task API encoding", () => {
  it("turns images given as pixel rows into a scaled batch tensor", () => {
    const t = instancesTensor(
      [
        [
          [0, 255, 51],
          [0, 0, 255],
        ],
        [
          [255, 255, 255],
          [0, 0, 0],
        ],
      ],
      image,
    );
    expect(t.shape).toEqual([2, 2, 3]);
    expect(Array.from(t.data as Float32Array).map((v) => Math.round(v * 255))).toEqual([
      0, 255, 51, 0, 0, 255, 255, 255, 255, 0, 0, 0,
    ]);
  });

  it("names the row of a malformed image", () => {
    expect(() =>
      instancesTensor(
        [
          [
            [0, 0, 0],
            [0, 0],
          ],
        ],
        image,
      ),
    ).toThrow(/instances\[0\]\[1\]: expected a row of 3 pixels, got 2/);
    expect(() => instancesTensor([[[0, 0, 0]]], image)).toThrow(
      /instances\[0\]: expected 2 rows of 3 pixels, got 1 rows/,
    );
  });

  it("takes plain nested arrays for tensor inputs and checks they agree", () => {
    const t = instancesTensor(
      [
        [1, 2],
        [3, 4],
      ],
      tensorModel,
    );
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data as Int32Array)).toEqual([1, 2, 3, 4]);
    expect(() => instancesTensor([[1, 2], [3]], tensorModel)).toThrow(/instances\[1\]: shape \[1\] differs/);
  });

  it("turns logits into probabilities and ranks labels", () => {
    const [p] = predictions(image, {
      name: "logits",
      datatype: "FP32",
      shape: [1, 2],
      data: Float32Array.of(0, Math.log(3)),
      binary: false,
    });
    expect(p).toMatchObject({ label: "light" });
    expect((p as { score: number }).score).toBeCloseTo(0.75, 6);
  });

  it("returns values for regression outputs", () => {
    const out = predictions(tensorModel, {
      name: "y",
      datatype: "FP32",
      shape: [2, 1],
      data: Float32Array.of(1.5, -2),
      binary: false,
    });
    expect(out).toEqual([{ value: 1.5 }, { value: -2 }]);
  });
});
