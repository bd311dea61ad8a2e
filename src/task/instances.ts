/**
 * The task API's input side: turns `instances` (named features, images as pixel rows, or plain nested arrays)
 * into the model's input tensor, as the manifest's `predict.input` describes.
 */
import { invalid } from "../errors";
import { describe, isObject } from "../json";
import type { Manifest, PredictInput, TensorSpec } from "../models/manifest";
import { fromJson } from "../oip/datatypes";
import type { Tensor } from "../oip/request";

function featureRow(instance: unknown, names: readonly string[], where: string): number[] {
  if (!isObject(instance)) throw invalid(`${where}: expected an object of named features, got ${describe(instance)}`);
  const unknown = Object.keys(instance).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw invalid(`${where}: unknown feature '${unknown[0]}' (features: ${names.join(", ")})`);
  return names.map((name) => {
    const v = instance[name];
    if (v === undefined) throw invalid(`${where}.${name}: missing (features: ${names.join(", ")})`);
    if (typeof v !== "number") throw invalid(`${where}.${name}: expected a number, got ${describe(v)}`);
    return v;
  });
}

function imagePixels(instance: unknown, height: number, width: number, scale: number, where: string): number[] {
  if (!Array.isArray(instance) || instance.length !== height) {
    throw invalid(
      `${where}: expected ${height} rows of ${width} pixels, got ${Array.isArray(instance) ? `${instance.length} rows` : describe(instance)}`,
    );
  }
  return instance.flatMap((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== width) {
      throw invalid(
        `${where}[${r}]: expected a row of ${width} pixels, got ${Array.isArray(row) ? `${row.length}` : describe(row)}`,
      );
    }
    return row.map((p: unknown, x) => {
      if (typeof p !== "number" || !Number.isFinite(p))
        throw invalid(`${where}[${r}][${x}]: expected a number, got ${describe(p)}`);
      return p * scale;
    });
  });
}

/** The shape of a nested array, checking it is rectangular. */
function nestedShape(value: unknown, where: string): number[] {
  const shape: number[] = [];
  let node = value;
  while (Array.isArray(node)) {
    shape.push(node.length);
    node = node[0];
  }
  const check = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw invalid(`${where}${path}: nested deeper than its siblings`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth])
      throw invalid(`${where}${path}: ragged array: expected ${shape[depth]} elements`);
    for (const [i, child] of v.entries()) check(child, depth + 1, `${path}[${i}]`);
  };
  check(value, 0, "");
  return shape;
}

function flatItem(
  instance: unknown,
  input: PredictInput,
  spec: TensorSpec,
  where: string,
): { values: unknown[]; itemShape: number[] } {
  const itemShape = spec.shape.slice(1);
  switch (input.kind) {
    case "features":
      return { values: featureRow(instance, input.features, where), itemShape };
    case "image":
      // The manifest schema guarantees the item shape is fixed and holds height × width values.
      return { values: imagePixels(instance, input.height, input.width, input.scale, where), itemShape };
    case "tensor": {
      const shape = nestedShape(instance, where);
      return { values: [instance].flat(Number.POSITIVE_INFINITY), itemShape: shape };
    }
  }
}

/** Builds the batch tensor for `instances`, checked against the model's batch limit. */
export function instancesTensor(instances: unknown, model: Manifest): Tensor {
  const predict = model.predict;
  const spec = model.inputs.find((t) => t.name === predict?.input.tensor);
  if (!predict || !spec)
    throw invalid(`model '${model.name}' has no task API: use POST /v2/models/${model.name}/infer`);
  if (!Array.isArray(instances)) throw invalid(`instances: expected an array, got ${describe(instances)}`);
  if (instances.length === 0) throw invalid("instances: expected at least one instance");
  if (instances.length > model.maxBatchSize) {
    throw invalid(
      `instances: ${instances.length} instances exceed model '${model.name}' max_batch_size ${model.maxBatchSize}`,
    );
  }
  const items = instances.map((instance, i) => flatItem(instance, predict.input, spec, `instances[${i}]`));
  const first = items[0]?.itemShape ?? [];
  items.forEach((item, i) => {
    if (item.itemShape.join() !== first.join()) {
      throw invalid(
        `instances[${i}]: shape [${item.itemShape.join(", ")}] differs from instances[0]'s [${first.join(", ")}]`,
      );
    }
  });
  const values = items.flatMap((item) => item.values);
  return {
    name: spec.name,
    datatype: spec.datatype,
    shape: [instances.length, ...first],
    data: fromJson(spec.datatype, values, "instances"),
  };
}
