/**
 * The ONNX protobuf schema (onnx-proto ships it as a CommonJS protobufjs module), re-exported
 * with the data-type table every ONNX tool in this folder shares.
 */
import onnxProto from "onnx-proto";

export const { onnx } = onnxProto;

/** ONNX TensorProto.DataType values used by the project, by OIP datatype name. */
export const ONNX_TYPE = {
  FP32: onnx.TensorProto.DataType.FLOAT,
  FP64: onnx.TensorProto.DataType.DOUBLE,
  INT8: onnx.TensorProto.DataType.INT8,
  UINT8: onnx.TensorProto.DataType.UINT8,
  INT16: onnx.TensorProto.DataType.INT16,
  UINT16: onnx.TensorProto.DataType.UINT16,
  INT32: onnx.TensorProto.DataType.INT32,
  UINT32: onnx.TensorProto.DataType.UINT32,
  INT64: onnx.TensorProto.DataType.INT64,
  UINT64: onnx.TensorProto.DataType.UINT64,
  BOOL: onnx.TensorProto.DataType.BOOL,
} as const;

export type OipDatatypeName = keyof typeof ONNX_TYPE;

/** The OIP datatype of an ONNX element type, or undefined for types the server does not serve (strings, fp16...). */
export function oipDatatypeOf(onnxType: number): OipDatatypeName | undefined {
  for (const [name, value] of Object.entries(ONNX_TYPE)) {
    if (value === onnxType) return name as OipDatatypeName;
  }
  return undefined;
}
