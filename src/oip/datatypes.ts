/**
 * OIP tensor datatypes: their byte sizes, value ranges and typed-array representations, and the conversions from
 * JSON values and little-endian binary data. Pure functions: no runtime, no I/O.
 */

import { invalid } from "../errors";
import { describe } from "../json";
import type { Datatype } from "../models/manifest";

export type TensorArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

interface DatatypeInfo {
  /** Bytes per element in the binary tensor extension (BOOL: one byte, 0 or 1). */
  readonly bytes: number;
  /** onnxruntime-web's tensor type name. */
  readonly ort:
    | "bool"
    | "uint8"
    | "int8"
    | "int16"
    | "uint16"
    | "int32"
    | "uint32"
    | "int64"
    | "uint64"
    | "float32"
    | "float64";
  /** Allocates storage for `n` elements. */
  readonly alloc: (n: number) => TensorArray;
  /** Views (copies, when unaligned) little-endian bytes as elements. */
  readonly view: (bytes: Uint8Array) => TensorArray;
  /** Integer types: inclusive range a JSON value must fall in. */
  readonly range?: readonly [number, number];
}

function viewer<T extends TensorArray>(ctor: {
  new (buffer: ArrayBuffer, offset: number, length: number): T;
  BYTES_PER_ELEMENT: number;
}) {
  return (bytes: Uint8Array): T => {
    // Typed arrays need aligned offsets; the body's slices rarely are, so copy into a fresh buffer.
    const copy = bytes.byteOffset % ctor.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
    return new ctor(copy.buffer as ArrayBuffer, copy.byteOffset, copy.byteLength / ctor.BYTES_PER_ELEMENT);
  };
}

export const DATATYPE_INFO: Record<Datatype, DatatypeInfo> = {
  BOOL: { bytes: 1, ort: "bool", alloc: (n) => new Uint8Array(n), view: viewer(Uint8Array), range: [0, 1] },
  UINT8: { bytes: 1, ort: "uint8", alloc: (n) => new Uint8Array(n), view: viewer(Uint8Array), range: [0, 255] },
  INT8: { bytes: 1, ort: "int8", alloc: (n) => new Int8Array(n), view: viewer(Int8Array), range: [-128, 127] },
  INT16: { bytes: 2, ort: "int16", alloc: (n) => new Int16Array(n), view: viewer(Int16Array), range: [-32768, 32767] },
  UINT16: { bytes: 2, ort: "uint16", alloc: (n) => new Uint16Array(n), view: viewer(Uint16Array), range: [0, 65535] },
  INT32: {
    bytes: 4,
    ort: "int32",
    alloc: (n) => new Int32Array(n),
    view: viewer(Int32Array),
    range: [-(2 ** 31), 2 ** 31 - 1],
  },
  UINT32: {
    bytes: 4,
    ort: "uint32",
    alloc: (n) => new Uint32Array(n),
    view: viewer(Uint32Array),
    range: [0, 2 ** 32 - 1],
  },
  // JSON numbers are doubles: 64-bit integers travel exactly only within ±2^53; larger ones need binary data.
  INT64: {
    bytes: 8,
    ort: "int64",
    alloc: (n) => new BigInt64Array(n),
    view: viewer(BigInt64Array),
    range: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  },
  UINT64: {
    bytes: 8,
    ort: "uint64",
    alloc: (n) => new BigUint64Array(n),
    view: viewer(BigUint64Array),
    range: [0, Number.MAX_SAFE_INTEGER],
  },
  FP32: { bytes: 4, ort: "float32", alloc: (n) => new Float32Array(n), view: viewer(Float32Array) },
  FP64: { bytes: 8, ort: "float64", alloc: (n) => new Float64Array(n), view: viewer(Float64Array) },
};

export function isDatatype(value: unknown): value is Datatype {
  return typeof value === "string" && Object.hasOwn(DATATYPE_INFO, value);
}

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Converts flat JSON scalars to a typed array, checking each value's type and range. `where` names the tensor
 * in error messages (`inputs[0].data[3]: expected an integer in [-128, 127], got 300`).
 */
export function fromJson(datatype: Datatype, values: readonly unknown[], where: string): TensorArray {
  const info = DATATYPE_INFO[datatype];
  const out = info.alloc(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (datatype === "BOOL") {
      if (typeof v !== "boolean") throw invalid(`${where}[${i}]: expected true or false for BOOL, got ${describe(v)}`);
      out[i] = v ? 1 : 0;
      continue;
    }
    if (typeof v !== "number") throw invalid(`${where}[${i}]: expected a number for ${datatype}, got ${describe(v)}`);
    if (info.range) {
      const [min, max] = info.range;
      if (!Number.isInteger(v) || v < min || v > max) {
        throw invalid(`${where}[${i}]: expected an integer in [${min}, ${max}] for ${datatype}, got ${v}`);
      }
      if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(v);
      else out[i] = v;
    } else {
      out[i] = v;
    }
  }
  return out;
}

/** Checks binary BOOL data: each byte must be 0 or 1, as the binary extension defines. */
export function checkBinary(datatype: Datatype, data: TensorArray, where: string): void {
  if (datatype !== "BOOL") return;
  const i = (data as Uint8Array).findIndex((b) => b > 1);
  if (i >= 0) throw invalid(`${where}: BOOL byte ${i} is ${(data as Uint8Array)[i]}, expected 0 or 1`);
}

/** JSON values of a typed array: BOOL as booleans, 64-bit integers as numbers. */
export function toJson(datatype: Datatype, data: TensorArray): (number | boolean)[] {
  if (datatype === "BOOL") return Array.from(data as Uint8Array, (b) => b !== 0);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, Number);
  return Array.from(data as ArrayLike<number>);
}
