/**
 * The OIP v2 inference request, parsed once into typed tensors. Structure only: whether the tensors fit the model
 * is checked by `./validate.ts`.
 */
import { invalid } from "../errors";
import { describe, isObject } from "../json";
import type { Datatype } from "../models/manifest";
import type { Framed } from "./body";
import { checkBinary, DATATYPE_INFO, elementCount, fromJson, isDatatype, type TensorArray } from "./datatypes";

export interface Tensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: TensorArray;
}

export interface RequestedOutput {
  readonly name: string;
  /** Return this output as binary data (its own `binary_data`, else the request's `binary_data_output`). */
  readonly binary: boolean;
}

export interface InferRequest {
  readonly id?: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly inputs: readonly Tensor[];
  /** The `outputs` filter; undefined means every output of the model. */
  readonly outputs?: readonly RequestedOutput[];
  /** The request's `binary_data_output`, for outputs the filter does not name. */
  readonly binaryOutputs: boolean;
}

type Json = Record<string, unknown>;

function optionalObject(value: unknown, where: string): Json {
  if (value === undefined) return {};
  if (!isObject(value)) throw invalid(`${where}: expected an object, got ${describe(value)}`);
  return value;
}

function optionalBoolean(value: unknown, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw invalid(`${where}: expected true or false, got ${describe(value)}`);
  return value;
}

function parseShape(value: unknown, where: string): number[] {
  if (!Array.isArray(value)) throw invalid(`${where}: expected an array of dimensions, got ${describe(value)}`);
  return value.map((d, i) => {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw invalid(`${where}[${i}]: expected a non-negative integer, got ${describe(d)}`);
    }
    return d;
  });
}

/** Flattens JSON tensor data, flat or nested; nested data must follow the shape exactly. */
function flatten(data: unknown, shape: readonly number[], where: string): unknown[] {
  if (!Array.isArray(data)) throw invalid(`${where}: expected an array, got ${describe(data)}`);
  const total = elementCount(shape);
  if (!data.some(Array.isArray)) {
    if (data.length !== total) {
      throw invalid(`${where}: shape [${shape.join(", ")}] holds ${total} elements, got ${data.length}`);
    }
    return data;
  }
  const out: unknown[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw invalid(`${where}${path}: nested deeper than shape [${shape.join(", ")}]`);
      out.push(node);
      return;
    }
    if (!Array.isArray(node)) {
      throw invalid(
        `${where}${path}: expected an array for dimension ${depth} of shape [${shape.join(", ")}], got ${describe(node)}`,
      );
    }
    if (node.length !== shape[depth]) {
      throw invalid(
        `${where}${path}: dimension ${depth} of shape [${shape.join(", ")}] is ${shape[depth]}, got ${node.length} elements`,
      );
    }
    for (const [i, child] of node.entries()) walk(child, depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, "");
  return out;
}

function parseInput(value: unknown, index: number, binary: { bytes: Uint8Array; offset: number }): Tensor {
  const where = `inputs[${index}]`;
  if (!isObject(value)) throw invalid(`${where}: expected an object, got ${describe(value)}`);
  const { name, shape, datatype, data } = value;
  if (typeof name !== "string" || name === "")
    throw invalid(`${where}.name: expected a non-empty string, got ${describe(name)}`);
  const dims = parseShape(shape, `${where}.shape`);
  if (typeof datatype !== "string") throw invalid(`${where}.datatype: expected a string, got ${describe(datatype)}`);
  if (!isDatatype(datatype)) {
    throw invalid(
      `${where}.datatype: '${datatype}' is not supported (expected one of ${Object.keys(DATATYPE_INFO).join(", ")})`,
    );
  }
  const parameters = optionalObject(value.parameters, `${where}.parameters`);
  const binarySize = parameters.binary_data_size;
  if (binarySize === undefined) {
    if (data === undefined) throw invalid(`${where}: has neither 'data' nor parameters.binary_data_size`);
    return {
      name,
      datatype,
      shape: dims,
      data: fromJson(datatype, flatten(data, dims, `${where}.data`), `${where}.data`),
    };
  }
  if (data !== undefined) throw invalid(`${where}: has both 'data' and parameters.binary_data_size`);
  if (typeof binarySize !== "number" || !Number.isSafeInteger(binarySize) || binarySize < 0) {
    throw invalid(`${where}.parameters.binary_data_size: expected a non-negative integer, got ${describe(binarySize)}`);
  }
  const expected = elementCount(dims) * DATATYPE_INFO[datatype].bytes;
  if (binarySize !== expected) {
    throw invalid(
      `${where}.parameters.binary_data_size: shape [${dims.join(", ")}] of ${datatype} is ${expected} bytes, got ${binarySize}`,
    );
  }
  if (binary.offset + binarySize > binary.bytes.length) {
    throw invalid(
      `${where}.parameters.binary_data_size: ${binarySize} bytes wanted, only ${binary.bytes.length - binary.offset} left in the body`,
    );
  }
  const tensor = DATATYPE_INFO[datatype].view(binary.bytes.subarray(binary.offset, binary.offset + binarySize));
  binary.offset += binarySize;
  checkBinary(datatype, tensor, `${where} binary data`);
  return { name, datatype, shape: dims, data: tensor };
}

function parseOutputs(value: unknown, binaryDefault: boolean): RequestedOutput[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(`outputs: expected an array, got ${describe(value)}`);
  return value.map((o, i) => {
    if (!isObject(o)) throw invalid(`outputs[${i}]: expected an object, got ${describe(o)}`);
    if (typeof o.name !== "string" || o.name === "") {
      throw invalid(`outputs[${i}].name: expected a non-empty string, got ${describe(o.name)}`);
    }
    const parameters = optionalObject(o.parameters, `outputs[${i}].parameters`);
    const binary =
      parameters.binary_data === undefined
        ? binaryDefault
        : optionalBoolean(parameters.binary_data, `outputs[${i}].parameters.binary_data`);
    return { name: o.name, binary };
  });
}

/**
 * Parses a framed body into an `InferRequest`. A raw body (header length 0) needs the model's single input, whose
 * name and datatype it takes and whose one dynamic dimension it infers from the byte length.
 */
export function parseInferRequest(
  framed: Framed,
  rawInput?: { name: string; datatype: Datatype; shape: readonly number[] },
): InferRequest {
  if (framed.kind === "raw") {
    if (!rawInput)
      throw invalid("raw binary request (Inference-Header-Content-Length: 0): the model must have exactly one input");
    return { parameters: {}, inputs: [rawTensor(framed.binary, rawInput)], binaryOutputs: false };
  }
  const body = framed.json;
  if (!isObject(body)) throw invalid(`request body: expected a JSON object, got ${describe(body)}`);
  if (body.id !== undefined && typeof body.id !== "string")
    throw invalid(`id: expected a string, got ${describe(body.id)}`);
  const parameters = optionalObject(body.parameters, "parameters");
  const binaryOutputs = optionalBoolean(parameters.binary_data_output, "parameters.binary_data_output");
  if (!Array.isArray(body.inputs)) throw invalid(`inputs: expected an array of tensors, got ${describe(body.inputs)}`);
  if (body.inputs.length === 0) throw invalid("inputs: expected at least one input tensor");
  const cursor = { bytes: framed.binary, offset: 0 };
  const inputs = body.inputs.map((input, i) => parseInput(input, i, cursor));
  if (cursor.offset !== framed.binary.length) {
    throw invalid(
      `binary data: ${framed.binary.length - cursor.offset} bytes after the JSON header are not claimed by any input's binary_data_size`,
    );
  }
  const outputs = parseOutputs(body.outputs, binaryOutputs);
  return {
    ...(body.id === undefined ? {} : { id: body.id }),
    ...(outputs === undefined ? {} : { outputs }),
    parameters,
    inputs,
    binaryOutputs,
  };
}

function rawTensor(bytes: Uint8Array, spec: { name: string; datatype: Datatype; shape: readonly number[] }): Tensor {
  const size = DATATYPE_INFO[spec.datatype].bytes;
  const fixed = spec.shape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const dynamic = spec.shape.filter((d) => d === -1).length;
  const where = `raw binary input '${spec.name}'`;
  if (dynamic > 1)
    throw invalid(`${where}: shape [${spec.shape.join(", ")}] has more than one dynamic dimension to infer`);
  if (bytes.length === 0 || bytes.length % (fixed * size) !== 0) {
    throw invalid(
      `${where}: ${bytes.length} bytes is not a whole number of ${spec.datatype} items of shape [${spec.shape.join(", ")}]`,
    );
  }
  const shape = spec.shape.map((d) => (d === -1 ? bytes.length / (fixed * size) : d));
  if (dynamic === 0 && bytes.length !== fixed * size)
    throw invalid(`${where}: expected ${fixed * size} bytes, got ${bytes.length}`);
  const data = DATATYPE_INFO[spec.datatype].view(bytes);
  checkBinary(spec.datatype, data, where);
  return { name: spec.name, datatype: spec.datatype, shape, data };
}
