/** Runs one validated request through the model's cached session: typed tensors in, typed tensors out. */
import { invalid } from "../errors";
import type { ModelEntry } from "../models/entry";
import { DATATYPE_INFO, type TensorArray } from "../oip/datatypes";
import type { OutputTensor } from "../oip/response";
import type { ValidatedRequest } from "../oip/validate";
import { ort } from "./runtime";
import { getSession } from "./sessions";

export async function runInference(entry: ModelEntry, request: ValidatedRequest): Promise<OutputTensor[]> {
  const session = await getSession(entry);
  const { Tensor } = await ort();
  const feeds = Object.fromEntries(
    request.inputs.map((t) => [t.name, new Tensor(DATATYPE_INFO[t.datatype].ort, t.data, [...t.shape])]),
  );
  let results: Awaited<ReturnType<typeof session.run>>;
  try {
    results = await session.run(
      feeds,
      request.outputs.map((o) => o.name),
    );
  } catch (err) {
    // Inputs already match the manifest's names, datatypes and fixed dimensions; what the runtime can still refuse
    // is a combination of dynamic dimensions the graph cannot compute (for example mismatched lengths).
    throw invalid(
      `model '${entry.manifest.name}' cannot run these inputs: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const specs = new Map(entry.manifest.outputs.map((o) => [o.name, o]));
  return request.outputs.map((o) => {
    const tensor = results[o.name];
    const spec = specs.get(o.name);
    if (!tensor || !spec) throw new Error(`onnxruntime returned no output '${o.name}'`);
    return {
      name: o.name,
      datatype: spec.datatype,
      shape: tensor.dims.map(Number),
      data: tensor.data as TensorArray,
      binary: o.binary,
    };
  });
}
