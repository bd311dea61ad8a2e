/**
 * Framing of an infer request body (binary tensor data extension): the JSON header and the binary tensor bytes
 * that follow it, split by the `Inference-Header-Content-Length` header.
 */
import { invalid } from "../errors";

export const HEADER_LENGTH = "Inference-Header-Content-Length";

export type Framed =
  /** A JSON request, possibly followed by binary tensor data. */
  | { kind: "json"; json: unknown; binary: Uint8Array }
  /** `Inference-Header-Content-Length: 0`: the whole body is the raw data of the model's single input. */
  | { kind: "raw"; binary: Uint8Array };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function parseJsonText(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw invalid(`${what} is not valid UTF-8`);
  }
  if (text.trim() === "") throw invalid(`${what} is empty: expected a JSON object`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(`${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function frame(body: Uint8Array, headerLength: string | undefined): Framed {
  if (headerLength === undefined)
    return { kind: "json", json: parseJsonText(body, "request body"), binary: new Uint8Array(0) };
  if (!/^\d+$/.test(headerLength.trim())) {
    throw invalid(`${HEADER_LENGTH}: expected a non-negative integer, got ${JSON.stringify(headerLength)}`);
  }
  const length = Number(headerLength);
  if (length === 0) return { kind: "raw", binary: body };
  if (length > body.length) {
    throw invalid(`${HEADER_LENGTH}: ${length} is larger than the ${body.length}-byte body`);
  }
  return { kind: "json", json: parseJsonText(body.subarray(0, length), "JSON header"), binary: body.subarray(length) };
}
