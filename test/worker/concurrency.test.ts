import { describe, expect, it } from "vitest";
import { fetchDirect } from "../helpers";

const body = (row: number[]) =>
  JSON.stringify({ inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: row }] });

describe("concurrent requests in one isolate", () => {
  it("answers 32 concurrent infers on one session, each with its own result", async () => {
    const rows = Array.from({ length: 32 }, (_, i) => [4 + (i % 4), 3, 1 + (i % 6), 0.2 + (i % 3)]);
    const send = (row: number[]) => fetchDirect("/v2/models/iris/infer", { method: "POST", body: body(row) });
    const sequential: unknown[] = [];
    for (const row of rows) sequential.push(await (await send(row)).json());
    const concurrent = await Promise.all(rows.map(async (row) => (await send(row)).json()));
    expect(concurrent).toEqual(sequential);
  });
});
