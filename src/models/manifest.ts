/**
 * The model manifest: the one schema the Worker, the trainer and the `models` CLI share. It must stay free of
 * Workers- and Node-only imports. The Worker imports only its types (the generated index is checked against the
 * schema when it is generated and by test/worker/manifests.test.ts), so zod never reaches the bundle.
 */
import { z } from "zod";

/** OIP v2 tensor datatypes the server accepts (BYTES and FP16 are not served). */
export const DATATYPES = [
  "BOOL",
  "UINT8",
  "INT8",
  "INT16",
  "UINT16",
  "INT32",
  "UINT32",
  "INT64",
  "UINT64",
  "FP32",
  "FP64",
] as const;
export type Datatype = (typeof DATATYPES)[number];

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "lower-case letters, digits, '.', '_' or '-', at most 64 characters");
const version = z.string().regex(/^[1-9][0-9]{0,8}$/, "a positive integer, as a string");
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits");

export const TensorSpecSchema = z.object({
  name: z.string().min(1),
  datatype: z.enum(DATATYPES),
  /** -1 marks a dynamic dimension; the first dimension is the batch when `maxBatchSize` > 0. */
  shape: z.array(z.number().int().min(-1)),
});
export type TensorSpec = z.infer<typeof TensorSpecSchema>;

/** How the task API (`POST /v1/models/{m}/predict`) turns one natural instance into the model's input tensor. */
export const PredictInputSchema = z.discriminatedUnion("kind", [
  z.object({
    /** Named numeric features, e.g. `{"bill_length_mm": 39.1, ...}`, in the tensor's column order. */
    kind: z.literal("features"),
    tensor: z.string(),
    features: z.array(z.string().min(1)).min(1),
  }),
  z.object({
    /** An image as rows of pixel values (height × width), scaled by `scale` before it reaches the model. */
    kind: z.literal("image"),
    tensor: z.string(),
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    scale: z.number().default(1),
  }),
  z.object({
    /** One item of the input tensor as a nested array (the tensor's shape without its batch dimension). */
    kind: z.literal("tensor"),
    tensor: z.string(),
  }),
]);
export type PredictInput = z.infer<typeof PredictInputSchema>;

export const PredictOutputSchema = z.discriminatedUnion("kind", [
  z.object({
    /** One score per label; `logits` are turned into probabilities with a softmax before ranking. */
    kind: z.literal("scores"),
    tensor: z.string(),
    scores: z.enum(["probabilities", "logits"]),
    topK: z.number().int().positive().default(3),
  }),
  z.object({
    /** Values returned as they are (regression, embeddings). */
    kind: z.literal("values"),
    tensor: z.string(),
  }),
]);
export type PredictOutput = z.infer<typeof PredictOutputSchema>;

export const VersionPolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("latest"), count: z.number().int().positive().default(1) }),
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("specific"), versions: z.array(version).min(1) }),
]);
export type VersionPolicy = z.infer<typeof VersionPolicySchema>;

export const QuantizationSchema = z.discriminatedUnion("scheme", [
  z.object({ scheme: z.literal("none") }),
  z.object({
    scheme: z.enum(["dynamic-int8", "static-int8"]),
    /** sha256 of the fp32 model this one was quantized from. */
    sourceSha256: sha256,
    perChannel: z.boolean(),
    symmetric: z.boolean(),
  }),
]);
export type Quantization = z.infer<typeof QuantizationSchema>;

export const ManifestSchema = z.object({
  schemaVersion: z.literal(1),
  name,
  version,
  description: z.string().min(1),
  task: z.enum(["classification", "regression", "tensor"]),
  inputs: z.array(TensorSpecSchema).min(1),
  outputs: z.array(TensorSpecSchema).min(1),
  /** Class names, in the order of the scores output. */
  labels: z.array(z.string()).optional(),
  predict: z.object({ input: PredictInputSchema, output: PredictOutputSchema }).optional(),
  /** Largest batch (first dimension) one request may carry; 0 means the model has no batch dimension. */
  maxBatchSize: z.number().int().min(0),
  /** Held-out metrics, per variant evaluated (fp32 and/or int8), e.g. `{ "int8": { "accuracy": 0.97 } }`. */
  metrics: z.object({
    dataset: z.string(),
    samples: z.number().int().nonnegative(),
    fp32: z.record(z.string(), z.number()).optional(),
    int8: z.record(z.string(), z.number()).optional(),
  }),
  quantization: QuantizationSchema,
  file: z.object({ name: z.literal("model.onnx"), bytes: z.number().int().positive(), sha256 }),
  /**
   * Price in billing units: `perRequest` once, plus `perItem` for each batch item. Derived from the model's
   * multiply-accumulate count when it is published, so the price of a request is known before it runs.
   */
  pricing: z.object({
    perRequest: z.number().int().nonnegative(),
    perItem: z.number().int().nonnegative(),
    macsPerItem: z.number().int().nonnegative(),
  }),
  versionPolicy: VersionPolicySchema.default({ kind: "latest", count: 1 }),
  /** Where the model came from: script or recipe, hyper-parameters, seed, backend. Free-form, for people. */
  provenance: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  created: z.iso.datetime(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** Cross-field rules the field schemas cannot express. */
function consistencyProblems(m: Manifest): string[] {
  const problems: string[] = [];
  const inputNames = new Set(m.inputs.map((t) => t.name));
  const outputNames = new Set(m.outputs.map((t) => t.name));
  if (inputNames.size !== m.inputs.length) problems.push("inputs: names must be unique");
  if (outputNames.size !== m.outputs.length) problems.push("outputs: names must be unique");
  for (const [i, t] of m.inputs.entries()) {
    if (m.maxBatchSize > 0 && t.shape[0] !== -1) problems.push(`inputs.${i}.shape: batch dimension must be -1`);
  }
  if (m.predict) {
    const input = m.inputs.find((t) => t.name === m.predict?.input.tensor);
    if (!input) problems.push(`predict.input.tensor: '${m.predict.input.tensor}' is not an input`);
    if (m.inputs.length > 1) problems.push("predict: the task API needs a model with exactly one input");
    if (!outputNames.has(m.predict.output.tensor)) {
      problems.push(`predict.output.tensor: '${m.predict.output.tensor}' is not an output`);
    }
    const p = m.predict.input;
    const item = input?.shape.slice(m.maxBatchSize > 0 ? 1 : 0) ?? [];
    const itemSize = item.reduce((a, b) => a * b, 1);
    if (p.kind !== "tensor" && item.some((d) => d < 0)) {
      problems.push(`predict.input: '${p.tensor}' needs fixed dimensions after the batch for kind '${p.kind}'`);
    } else if (p.kind === "features" && itemSize !== p.features.length) {
      problems.push(`predict.input.features: ${p.features.length} names for ${itemSize} values per item`);
    } else if (p.kind === "image" && itemSize !== p.height * p.width) {
      problems.push(`predict.input: a ${p.height}×${p.width} image does not fill ${itemSize} values per item`);
    }
    if (m.maxBatchSize === 0)
      problems.push("predict: the task API batches instances, so maxBatchSize must be positive");
    if (m.predict.output.kind === "scores") {
      const out = m.outputs.find((t) => t.name === m.predict?.output.tensor);
      if (!m.labels) problems.push("labels: required when predict.output.kind is 'scores'");
      else if (out && out.shape.at(-1) !== m.labels.length) {
        problems.push(`labels: ${m.labels.length} labels for ${out.shape.at(-1)} scores`);
      }
    }
  }
  return problems;
}

/** Validates a manifest and returns it typed, or throws naming every offending field. */
export function parseManifest(value: unknown, where = "manifest"): Manifest {
  const result = ManifestSchema.safeParse(value);
  const problems = result.success
    ? consistencyProblems(result.data)
    : result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  if (result.success && problems.length === 0) return result.data;
  throw new Error(`${where} is invalid:\n  ${problems.join("\n  ")}`);
}
