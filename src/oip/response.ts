/** Encodes an inference response as JSON, or as JSON followed by binary tensor data when outputs ask for it. */
import type { Datatype } from "../models/manifest";
import { HEADER_LENGTH } from "./body";
import { type TensorArray, toJson } from "./datatypes";

export interface OutputTensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly data: TensorArray;
  readonly binary: boolean;
}

export interface InferResponse {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly id?: string;
  readonly outputs: readonly OutputTensor[];
}

const encoder = new TextEncoder();

function binaryBytes(t: OutputTensor): Uint8Array {
  // Typed arrays are little-endian on every platform workerd runs on (x86-64, arm64), as the extension requires.
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** The response body and the headers it needs (content type; the JSON length when binary data follows). */
export function encodeResponse(r: InferResponse): {
  body: string | Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
} {
  const json = {
    model_name: r.modelName,
    model_version: r.modelVersion,
    ...(r.id === undefined ? {} : { id: r.id }),
    outputs: r.outputs.map((t) =>
      t.binary
        ? { name: t.name, datatype: t.datatype, shape: t.shape, parameters: { binary_data_size: t.data.byteLength } }
        : { name: t.name, datatype: t.datatype, shape: t.shape, data: toJson(t.datatype, t.data) },
    ),
  };
  const text = JSON.stringify(json);
  const binary = r.outputs.filter((t) => t.binary);
  if (binary.length === 0) return { body: text, headers: { "Content-Type": "application/json" } };
  const header = encoder.encode(text);
  const total = header.length + binary.reduce((n, t) => n + t.data.byteLength, 0);
  const body = new Uint8Array(total);
  body.set(header, 0);
  let offset = header.length;
  for (const t of binary) {
    body.set(binaryBytes(t), offset);
    offset += t.data.byteLength;
  }
  return { body, headers: { "Content-Type": "application/octet-stream", [HEADER_LENGTH]: String(header.length) } };
}
