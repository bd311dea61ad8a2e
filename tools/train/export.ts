/**
 * Exports a trained tfjs Sequential model to ONNX (opset 13, dynamic batch) through the project's GraphBuilder.
 *
 * The recipe's input normalisation becomes the graph's first nodes (Sub, Div), so clients send raw values.
 * tfjs computes convolutions in NHWC and ONNX in NCHW: a Reshape to an image shape is followed by a Transpose to
 * NCHW, Conv/MaxPool run in NCHW with weights transposed from [kh, kw, in, out] to [out, in, kh, kw], and a
 * Flatten transposes back to NHWC first, so the Dense layer after it sees features in the order it was trained on.
 * 'same' padding becomes explicit pads computed as TensorFlow does (the extra pixel at the end).
 *
 * Layers covered: Reshape, Conv2D, MaxPooling2D, Flatten, Dense, Dropout (dropped: identity at inference),
 * Activation; activations relu, sigmoid, tanh, softmax, linear. Anything else is refused by name.
 */
import type * as tf from "@tensorflow/tfjs";
import { GraphBuilder, writeModel } from "../onnx/writer.ts";
import type { Normalization } from "./recipe.ts";

export interface ExportOptions {
  name: string;
  inputName: string;
  outputName: string;
  itemShape: number[];
  normalization: Normalization;
  docString: string;
  metadata?: Record<string, string>;
}

interface Image {
  kind: "nchw";
  height: number;
  width: number;
  channels: number;
}
type Layout = { kind: "flat" | "rank3" } | Image;

interface LayerConfig {
  activation?: string;
  units?: number;
  useBias?: boolean;
  kernelSize?: number | number[];
  strides?: number | number[];
  padding?: "valid" | "same" | "causal";
  dilationRate?: number | number[];
  poolSize?: number | number[];
  targetShape?: number[];
  dataFormat?: string;
}

const pair = (v: number | number[] | undefined, fallback: number): [number, number] =>
  v === undefined
    ? [fallback, fallback]
    : typeof v === "number"
      ? [v, v]
      : [v[0] ?? fallback, v[1] ?? v[0] ?? fallback];

/** TensorFlow's 'same' padding for one spatial axis: [before, after]. */
function samePads(size: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

async function weights(layer: tf.layers.Layer): Promise<Float32Array[]> {
  return Promise.all(layer.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

/** [kh, kw, in, out] (tfjs) → [out, in, kh, kw] (ONNX). */
function convKernelToOihw(k: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = k[((y * kw + x) * cin + i) * cout + o] ?? 0;
  return out;
}

function activation(g: GraphBuilder, name: string | undefined, x: string, layout: Layout, where: string): string {
  switch (name ?? "linear") {
    case "linear":
      return x;
    case "relu":
      return g.node("Relu", [x])[0] as string;
    case "sigmoid":
      return g.node("Sigmoid", [x])[0] as string;
    case "tanh":
      return g.node("Tanh", [x])[0] as string;
    case "softmax":
      if (layout.kind !== "flat") throw new Error(`${where}: softmax is exported only on flat (2-D) tensors`);
      return g.node("Softmax", [x], { attrs: { axis: -1 } })[0] as string;
    default:
      throw new Error(`${where}: activation '${name}' has no ONNX export here`);
  }
}

export interface Exported {
  bytes: Uint8Array;
  /** Multiply-accumulates per input item (Dense and Conv layers), the basis of the model's price. */
  macsPerItem: number;
}

export async function exportOnnx(model: tf.Sequential, options: ExportOptions): Promise<Exported> {
  const g = new GraphBuilder(options.name);
  const { mean, std } = options.normalization;
  const input = g.input(options.inputName, "FP32", ["batch", ...options.itemShape]);
  const meanName = g.initializer("input_mean", "FP32", [mean.length], mean);
  const stdName = g.initializer("input_std", "FP32", [std.length], std);
  let x = g.node("Div", [g.node("Sub", [input, meanName])[0] as string, stdName])[0] as string;
  let layout: Layout = options.itemShape.length === 1 ? { kind: "flat" } : { kind: "rank3" };
  let macs = 0;

  for (const [index, layer] of model.layers.entries()) {
    const kind = layer.getClassName();
    const where = `layer ${index} (${kind} '${layer.name}')`;
    const config = layer.getConfig() as LayerConfig;
    if (config.dataFormat && config.dataFormat !== "channelsLast") {
      throw new Error(`${where}: only channelsLast layers are exported`);
    }
    const w = await weights(layer);
    const prefix = `l${index}_${kind.toLowerCase()}`;
    switch (kind) {
      case "Dropout":
        break;
      case "Activation":
        x = activation(g, config.activation, x, layout, where);
        break;
      case "Reshape": {
        const target = config.targetShape ?? [];
        const shape = g.initializer(
          `${prefix}_shape`,
          "INT64",
          [target.length + 1],
          BigInt64Array.from([-1, ...target], BigInt),
        );
        x = g.node("Reshape", [x, shape])[0] as string;
        if (target.length === 3) {
          const [height, width, channels] = target as [number, number, number];
          x = g.node("Transpose", [x], { attrs: { perm: [0, 3, 1, 2] } })[0] as string;
          layout = { kind: "nchw", height, width, channels };
        } else if (target.length === 1) {
          layout = { kind: "flat" };
        } else {
          throw new Error(`${where}: reshape to rank ${target.length} is not exported (only images [h, w, c] or flat)`);
        }
        break;
      }
      case "Flatten":
        if (layout.kind === "nchw") x = g.node("Transpose", [x], { attrs: { perm: [0, 2, 3, 1] } })[0] as string;
        x = g.node("Flatten", [x], { attrs: { axis: 1 } })[0] as string;
        layout = { kind: "flat" };
        break;
      case "Dense": {
        if (layout.kind !== "flat") throw new Error(`${where}: Dense needs a flat input; add a Flatten before it`);
        const [kernel, bias] = w as [Float32Array, Float32Array | undefined];
        const units = config.units ?? 0;
        const inputs = kernel.length / units;
        const wName = g.initializer(`${prefix}_weight`, "FP32", [inputs, units], kernel);
        x = g.node("MatMul", [x, wName])[0] as string;
        macs += kernel.length;
        if (bias) x = g.node("Add", [x, g.initializer(`${prefix}_bias`, "FP32", [units], bias)])[0] as string;
        x = activation(g, config.activation, x, layout, where);
        break;
      }
      case "Conv2D": {
        if (layout.kind !== "nchw")
          throw new Error(`${where}: Conv2D needs an image input; add a Reshape to [h, w, c]`);
        const image: Image = layout;
        const [kernel, bias] = w as [Float32Array, Float32Array | undefined];
        const [kh, kw] = pair(config.kernelSize, 1);
        const [sh, sw] = pair(config.strides, 1);
        const [dh, dw] = pair(config.dilationRate, 1);
        const cin = image.channels;
        const cout = kernel.length / (kh * kw * cin);
        const [pt, pb] = config.padding === "same" ? samePads(image.height, kh, sh, dh) : [0, 0];
        const [pl, pr] = config.padding === "same" ? samePads(image.width, kw, sw, dw) : [0, 0];
        const inputs = [
          x,
          g.initializer(`${prefix}_weight`, "FP32", [cout, cin, kh, kw], convKernelToOihw(kernel, kh, kw, cin, cout)),
        ];
        if (bias) inputs.push(g.initializer(`${prefix}_bias`, "FP32", [cout], bias));
        x = g.node("Conv", inputs, {
          attrs: { kernel_shape: [kh, kw], strides: [sh, sw], dilations: [dh, dw], pads: [pt, pl, pb, pr] },
        })[0] as string;
        layout = {
          kind: "nchw",
          height: Math.floor((image.height + pt + pb - ((kh - 1) * dh + 1)) / sh) + 1,
          width: Math.floor((image.width + pl + pr - ((kw - 1) * dw + 1)) / sw) + 1,
          channels: cout,
        };
        macs += kernel.length * layout.height * layout.width;
        x = activation(g, config.activation, x, layout, where);
        break;
      }
      case "MaxPooling2D": {
        if (layout.kind !== "nchw") throw new Error(`${where}: MaxPooling2D needs an image input`);
        const image: Image = layout;
        const [kh, kw] = pair(config.poolSize, 2);
        const [sh, sw] = pair(config.strides ?? config.poolSize, 2);
        const [pt, pb] = config.padding === "same" ? samePads(image.height, kh, sh) : [0, 0];
        const [pl, pr] = config.padding === "same" ? samePads(image.width, kw, sw) : [0, 0];
        x = g.node("MaxPool", [x], {
          attrs: { kernel_shape: [kh, kw], strides: [sh, sw], pads: [pt, pl, pb, pr] },
        })[0] as string;
        layout = {
          ...image,
          height: Math.floor((image.height + pt + pb - kh) / sh) + 1,
          width: Math.floor((image.width + pl + pr - kw) / sw) + 1,
        };
        break;
      }
      default:
        throw new Error(`${where}: no ONNX export for this layer type`);
    }
  }
  if (layout.kind !== "flat") throw new Error("the model must end in a flat (2-D) output");
  const outputShape = model.outputs[0]?.shape ?? [];
  const width = outputShape.at(-1);
  if (typeof width !== "number") throw new Error("the model's output width is unknown");
  g.rename(x, options.outputName);
  g.output(options.outputName, "FP32", ["batch", width]);
  return { bytes: writeModel(g, { docString: options.docString, metadata: options.metadata }), macsPerItem: macs };
}
