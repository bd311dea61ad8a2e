/**
 * The baseline a customer would otherwise run: a plain Node server (node:http) with onnxruntime-node, serving the
 * same OIP JSON infer route for the same models, single-threaded like an isolate. Run as its own process:
 *
 *   node --import tsx tools/bench/node-baseline.ts PORT
 */
import { createServer } from "node:http";
import * as ort from "onnxruntime-node";
import { benchModels } from "./models.ts";

const port = Number(process.argv[2] ?? 8791);
const sessions = new Map<string, ort.InferenceSession>();
for (const { manifest, bytes } of benchModels()) {
  sessions.set(manifest.name, await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 }));
}

type Input = { name: string; shape: number[]; datatype: string; data: number[] };

const server = createServer((req, res) => {
  const match = /^\/v2\/models\/([^/]+)\/infer$/.exec(req.url ?? "");
  const session = match?.[1] ? sessions.get(match[1]) : undefined;
  if (req.method === "GET" && req.url === "/v2/health/live") {
    res.writeHead(200, { "Content-Type": "application/json" }).end('{"live":true}');
    return;
  }
  if (req.method !== "POST" || !session || !match?.[1]) {
    res.writeHead(404, { "Content-Type": "application/json" }).end('{"error":"not found"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { inputs: Input[] };
      const feeds = Object.fromEntries(
        body.inputs.map((i) => [
          i.name,
          new ort.Tensor("float32", Float32Array.from(i.data.flat(Number.POSITIVE_INFINITY) as number[]), i.shape),
        ]),
      );
      const out = await session.run(feeds);
      const outputs = Object.entries(out).map(([name, t]) => ({
        name,
        datatype: "FP32",
        shape: t.dims,
        data: Array.from(t.data as Float32Array),
      }));
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ model_name: match[1], model_version: "1", outputs }));
    } catch (err) {
      res.writeHead(400, { "Content-Type": "application/json" }).end(JSON.stringify({ error: String(err) }));
    }
  });
});
server.listen(port, "127.0.0.1", () => {
  console.log(`node baseline listening on ${port}`);
  process.send?.("ready");
});
