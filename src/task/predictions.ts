/** The task API's output side: scores become ranked labels, other outputs plain values, one prediction per instance. */
import type { Manifest } from "../models/manifest";
import { toJson } from "../oip/datatypes";
import type { OutputTensor } from "../oip/response";

export interface LabelScore {
  label: string;
  score: number;
}

export type Prediction =
  | { label: string; score: number; top_k: LabelScore[] }
  | { value: number }
  | { values: number[] };

function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const e = row.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

export function predictions(model: Manifest, output: OutputTensor, topK?: number): Prediction[] {
  const predict = model.predict;
  const values = toJson(output.datatype, output.data).map(Number);
  const batch = output.shape[0] ?? 1;
  const per = values.length / batch;
  const rows = Array.from({ length: batch }, (_, i) => values.slice(i * per, (i + 1) * per));
  if (predict?.output.kind !== "scores") {
    return rows.map((row) => (row.length === 1 ? { value: row[0] ?? 0 } : { values: row }));
  }
  const labels = model.labels ?? [];
  const k = Math.min(topK ?? predict.output.topK, labels.length);
  return rows.map((row) => {
    const scores = predict.output.kind === "scores" && predict.output.scores === "logits" ? softmax(row) : row;
    const ranked = scores
      .map((score, i) => ({ label: labels[i] ?? String(i), score }))
      .sort((a, b) => b.score - a.score);
    const best = ranked[0] ?? { label: "", score: 0 };
    return { label: best.label, score: best.score, top_k: ranked.slice(0, k) };
  });
}
