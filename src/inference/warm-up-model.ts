/**
 * Identity(x: float[1]) → y, as tools/onnx/writer.ts serialises it (test/node/onnx-writer.test.ts rebuilds it and checks
 * these bytes): the smallest valid model, used once to bring the backend up.
 */
export const WARM_UP_MODEL = new Uint8Array([
  8, 8, 18, 0, 26, 1, 49, 50, 0, 58, 69, 10, 30, 10, 1, 120, 18, 1, 121, 26, 10, 73, 100, 101, 110, 116, 105, 116, 121,
  95, 48, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 58, 0, 18, 1, 116, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18,
  4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 4, 10, 0, 16, 13,
]);
