/** Checks a parsed inference request against the model's manifest: names, datatypes, shapes and batch size. */
import { invalid } from "../errors";
import type { Manifest } from "../models/manifest";
import type { InferRequest, Tensor } from "./request";

export interface ValidatedRequest {
  readonly inputs: readonly Tensor[];
  /** Output names to compute, in the order the response lists them, and which of them go back as binary. */
  readonly outputs: readonly { name: string; binary: boolean }[];
  /** Items in the batch (the first dimension), or 1 for a model without a batch dimension. */
  readonly batchSize: number;
}

const fmt = (shape: readonly number[]) => `[${shape.join(", ")}]`;

export function validateRequest(request: InferRequest, model: Manifest): ValidatedRequest {
  const specs = new Map(model.inputs.map((s) => [s.name, s]));
  const seen = new Set<string>();
  let batchSize: number | undefined;
  for (const [i, tensor] of request.inputs.entries()) {
    const where = `inputs[${i}]`;
    const spec = specs.get(tensor.name);
    if (!spec) {
      throw invalid(
        `${where}.name: model '${model.name}' has no input '${tensor.name}' (inputs: ${[...specs.keys()].join(", ")})`,
      );
    }
    if (seen.has(tensor.name)) throw invalid(`${where}.name: input '${tensor.name}' is given more than once`);
    seen.add(tensor.name);
    if (tensor.datatype !== spec.datatype) {
      throw invalid(`${where}.datatype: input '${tensor.name}' is ${spec.datatype}, got ${tensor.datatype}`);
    }
    if (tensor.shape.length !== spec.shape.length) {
      throw invalid(
        `${where}.shape: input '${tensor.name}' has rank ${spec.shape.length} ${fmt(spec.shape)}, got rank ${tensor.shape.length} ${fmt(tensor.shape)}`,
      );
    }
    spec.shape.forEach((d, axis) => {
      if (d !== -1 && tensor.shape[axis] !== d) {
        throw invalid(
          `${where}.shape[${axis}]: input '${tensor.name}' needs ${d} ${fmt(spec.shape)}, got ${tensor.shape[axis]}`,
        );
      }
    });
    if (model.maxBatchSize > 0) {
      const batch = tensor.shape[0] ?? 0;
      if (batch === 0) throw invalid(`${where}.shape[0]: batch size must be at least 1`);
      if (batch > model.maxBatchSize) {
        throw invalid(
          `${where}.shape[0]: batch of ${batch} exceeds model '${model.name}' max_batch_size ${model.maxBatchSize}`,
        );
      }
      if (batchSize !== undefined && batch !== batchSize) {
        throw invalid(`${where}.shape[0]: batch of ${batch} differs from the other inputs' batch of ${batchSize}`);
      }
      batchSize = batch;
    }
  }
  const missing = model.inputs.filter((s) => !seen.has(s.name)).map((s) => s.name);
  if (missing.length > 0)
    throw invalid(`inputs: missing input${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")}`);

  const outputNames = new Set(model.outputs.map((o) => o.name));
  const outputs = request.outputs ?? model.outputs.map((o) => ({ name: o.name, binary: request.binaryOutputs }));
  const requested = new Set<string>();
  for (const [i, o] of outputs.entries()) {
    if (!outputNames.has(o.name)) {
      throw invalid(
        `outputs[${i}].name: model '${model.name}' has no output '${o.name}' (outputs: ${[...outputNames].join(", ")})`,
      );
    }
    if (requested.has(o.name)) throw invalid(`outputs[${i}].name: output '${o.name}' is requested more than once`);
    requested.add(o.name);
  }
  if (outputs.length === 0) throw invalid("outputs: the filter names no output");
  return { inputs: request.inputs, outputs, batchSize: batchSize ?? 1 };
}
