/**
 * Builds ONNX models from code: the default models, the trainer's exports and the quantizer's output all go
 * through this one module, so every model the project writes has the same IR version, opset and metadata.
 */
import type { onnx as Onnx } from "onnx-proto";
import { type OipDatatypeName, ONNX_TYPE, onnx } from "./proto.ts";

/** IR version 8 is what onnx-proto's schema (ONNX 1.10) describes; onnxruntime 1.30 reads it. */
export const IR_VERSION = 8;
export const DEFAULT_OPSET = 13;

export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array | boolean[];

/** A dimension: a fixed size, or a name for a dynamic one (exported as -1 in manifests). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  datatype: OipDatatypeName;
  shape: Dim[];
}

/** A JS number is written as INT when it is an integer, else FLOAT; `{ float: 2 }` forces a FLOAT. */
export type AttributeValue =
  | number
  | number[]
  | string
  | { float: number }
  | { ints: number[] }
  | { floats: number[] }
  | TensorValue;

export interface TensorValue {
  name: string;
  datatype: OipDatatypeName;
  dims: number[];
  data: TensorData;
}

function rawBytes(data: TensorData): Uint8Array {
  if (Array.isArray(data)) return Uint8Array.from(data, (b) => (b ? 1 : 0));
  // Typed arrays are little-endian on every platform Node runs on, which is what raw_data requires.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export function tensorProto(t: TensorValue): Onnx.ITensorProto {
  const count = t.dims.reduce((a, b) => a * b, 1);
  const length = Array.isArray(t.data) ? t.data.length : t.data.length;
  if (count !== length) {
    throw new Error(`tensor '${t.name}': dims [${t.dims}] hold ${count} elements, data has ${length}`);
  }
  return { name: t.name, dims: t.dims, dataType: ONNX_TYPE[t.datatype], rawData: rawBytes(t.data) };
}

function valueInfo(v: ValueInfo): Onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ONNX_TYPE[v.datatype],
        shape: { dim: v.shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): Onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === "number") {
    return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  }
  if (typeof value === "string") return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ("float" in value) return { name, type: T.FLOAT, f: value.float };
  if ("ints" in value) return { name, type: T.INTS, ints: value.ints };
  if ("floats" in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.TENSOR, t: tensorProto(value) };
}

/** Accumulates a graph's inputs, outputs, initializers and nodes, then serialises it. */
export class GraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: TensorValue[] = [];
  private readonly nodes: Onnx.INodeProto[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  input(name: string, datatype: OipDatatypeName, shape: Dim[]): string {
    this.inputs.push({ name, datatype, shape });
    return name;
  }

  output(name: string, datatype: OipDatatypeName, shape: Dim[]): string {
    this.outputs.push({ name, datatype, shape });
    return name;
  }

  initializer(name: string, datatype: OipDatatypeName, dims: number[], data: TensorData): string {
    this.initializers.push({ name, datatype, dims, data });
    return name;
  }

  /**
   * Adds a node and returns its output names. Unnamed outputs get unique generated names, so chains read
   * `const [h] = g.node("Relu", [x])`.
   */
  node(
    opType: string,
    inputs: string[],
    options: { outputs?: string[] | number; attrs?: Record<string, AttributeValue>; domain?: string } = {},
  ): string[] {
    const outputs =
      typeof options.outputs === "object"
        ? options.outputs
        : Array.from({ length: options.outputs ?? 1 }, () => `${opType.toLowerCase()}_${this.counter++}`);
    this.nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: `${opType}_${this.nodes.length}`,
      domain: options.domain ?? "",
      attribute: Object.entries(options.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  /** Renames a value everywhere it is produced or read, e.g. to give a chain's last output its public name. */
  rename(from: string, to: string): void {
    for (const node of this.nodes) {
      node.input = (node.input ?? []).map((n) => (n === from ? to : n));
      node.output = (node.output ?? []).map((n) => (n === from ? to : n));
    }
  }

  toGraph(): Onnx.IGraphProto {
    return {
      name: this.name,
      input: this.inputs.map(valueInfo),
      output: this.outputs.map(valueInfo),
      initializer: this.initializers.map(tensorProto),
      node: this.nodes,
    };
  }
}

export interface ModelOptions {
  opset?: number;
  producer?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

export function modelProto(graph: Onnx.IGraphProto, options: ModelOptions = {}): Onnx.IModelProto {
  return {
    irVersion: IR_VERSION,
    producerName: options.producer ?? "edgeinfer",
    producerVersion: "1",
    docString: options.docString ?? "",
    opsetImport: [{ domain: "", version: options.opset ?? DEFAULT_OPSET }],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph,
  };
}

export function encodeModel(model: Onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export function decodeModel(bytes: Uint8Array): Onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Serialises a builder's graph as a complete model file. */
export function writeModel(builder: GraphBuilder, options: ModelOptions = {}): Uint8Array {
  return encodeModel(modelProto(builder.toGraph(), options));
}
