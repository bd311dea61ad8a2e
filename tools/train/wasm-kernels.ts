/**
 * Fills a gap in @tensorflow/tfjs-backend-wasm 4.22: it registers Conv2D and Conv2DBackpropInput but not
 * Conv2DBackpropFilter, so any Conv2D layer fails to train on it ("Kernel 'Conv2DBackpropFilter' not registered
 * for backend 'wasm'"); the cpu backend has the kernel but trains ~40× slower.
 *
 * The filter gradient is a matrix product: with P the im2col matrix of the input (one row per output position,
 * one column per filter tap [ky, kx, ci]) and DY the output gradient as [positions, out channels],
 * dW = Pᵀ · DY, which is exactly the [kh, kw, in, out] layout tfjs wants. P is built in JS from the input's data
 * and the product runs on the backend's own BatchMatMul (XNNPACK), about 8× faster than going through the
 * backend's naive Conv3DBackpropFilterV2.
 *
 * Registered once per process, only when the backend still lacks it (a tfjs release that ships the kernel makes
 * this a no-op). Guarded by test/node/train-kernels.test.ts against the cpu backend's kernel.
 */
import * as tf from "@tensorflow/tfjs";

/** The attributes both convolution-gradient kernels receive (each gets one of the two shapes). */
interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

type Shape4 = [number, number, number, number];

function convInfo(
  kernel: string,
  attrs: ConvGradAttrs,
  xShape: Shape4,
  filterShape: Shape4,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== "NHWC")
    throw new Error(`${kernel} on wasm: only NHWC is supported, not ${attrs.dataFormat}`);
  const { strides, pad, dimRoundingMode } = attrs;
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
}

/** The slice of BackendWasm this kernel uses (the class is not exported with types for this). */
interface WasmBackend {
  readSync(dataId: object): Float32Array;
  makeOutput(shape: number[], dtype: "float32", memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * The transposed im2col matrix Pᵀ: one row per filter tap [ky, kx, ci], one column per output position [n, oy, ox].
 * Built transposed because the backend's BatchMatMul is ~15× slower with transposeA than without.
 */
function im2colTransposed(x: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const positions = batchSize * outHeight * outWidth;
  const p = new Float32Array(filterHeight * filterWidth * inChannels * positions); // zeros: padding adds nothing
  let out = 0;
  for (let ky = 0; ky < filterHeight; ky++) {
    for (let kx = 0; kx < filterWidth; kx++) {
      for (let ci = 0; ci < inChannels; ci++) {
        for (let n = 0; n < batchSize; n++) {
          for (let oy = 0; oy < outHeight; oy++) {
            const iy = oy * strideHeight + ky * dilationHeight - top;
            const rowOk = iy >= 0 && iy < inHeight;
            const base = (n * inHeight + iy) * inWidth;
            for (let ox = 0; ox < outWidth; ox++, out++) {
              const ix = ox * strideWidth + kx * dilationWidth - left;
              if (rowOk && ix >= 0 && ix < inWidth) p[out] = x[(base + ix) * inChannels + ci] as number;
            }
          }
        }
      }
    }
  }
  return p;
}

function conv2DBackpropFilter({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as ConvGradAttrs;
  const filterShape = a.filterShape as Shape4;
  const wasm = backend as unknown as WasmBackend;
  const info = convInfo("Conv2DBackpropFilter", a, x.shape as Shape4, filterShape);
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const patches = wasm.makeOutput(
    [1, taps, rows],
    "float32",
    undefined,
    im2colTransposed(wasm.readSync(x.dataId), info),
  );
  const dyRows = { dataId: dy.dataId, shape: [1, rows, info.outChannels], dtype: dy.dtype };
  // BatchMatMul reshapes its operands itself (adding references to the same buffers), so dy is passed with its
  // 3-D shape as a plain TensorInfo; it stays owned by the engine.
  const grad = run("BatchMatMul", {
    inputs: { a: patches, b: dyRows },
    attrs: { transposeA: false, transposeB: false },
    backend,
  } as unknown as KernelArgs);
  wasm.disposeData(patches.dataId);
  return { ...grad, shape: filterShape };
}

/**
 * The input gradient, the same way round: G = DY · Wᵀ gives, for every output position, what each filter tap
 * sends back, and col2im adds it into the input positions the taps read. Replaces the backend's registered
 * kernel, a direct loop that took a third of a training step; W is transposed here (it is small) so the product
 * needs no transposed operand.
 */
function conv2DBackpropInput({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as ConvGradAttrs;
  const inputShape = a.inputShape as Shape4;
  const wasm = backend as unknown as WasmBackend;
  const info = convInfo("Conv2DBackpropInput", a, inputShape, filter.shape as Shape4);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } =
    info;
  const taps = filterHeight * filterWidth * inChannels;
  const rows = batchSize * outHeight * outWidth;
  const w = wasm.readSync(filter.dataId); // [taps, outChannels]
  const wt = new Float32Array(w.length);
  for (let t = 0; t < taps; t++)
    for (let o = 0; o < outChannels; o++) wt[o * taps + t] = w[t * outChannels + o] as number;
  const wtInfo = wasm.makeOutput([1, outChannels, taps], "float32", undefined, wt);
  const product = run("BatchMatMul", {
    inputs: { a: { dataId: dy.dataId, shape: [1, rows, outChannels], dtype: dy.dtype }, b: wtInfo },
    attrs: { transposeA: false, transposeB: false },
    backend,
  } as unknown as KernelArgs);
  const g = wasm.readSync(product.dataId);
  wasm.disposeData(wtInfo.dataId);
  wasm.disposeData(product.dataId);
  const dx = new Float32Array(batchSize * inHeight * inWidth * inChannels);
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  let row = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, row++) {
        let t = row * taps;
        for (let ky = 0; ky < filterHeight; ky++) {
          const iy = oy * strideHeight + ky * dilationHeight - info.padInfo.top;
          for (let kx = 0; kx < filterWidth; kx++, t += inChannels) {
            const ix = ox * strideWidth + kx * dilationWidth - info.padInfo.left;
            if (iy < 0 || iy >= inHeight || ix < 0 || ix >= inWidth) continue;
            const base = ((n * inHeight + iy) * inWidth + ix) * inChannels;
            for (let c = 0; c < inChannels; c++) dx[base + c] = (dx[base + c] as number) + (g[t + c] as number);
          }
        }
      }
    }
  }
  return wasm.makeOutput(inputShape, "float32", undefined, dx);
}

/** Runs another wasm kernel directly on TensorInfos, outside the engine's bookkeeping (as kernels do). */
function run(name: string, args: KernelArgs): tf.TensorInfo {
  const kernel = tf.getKernel(name, "wasm");
  if (!kernel) throw new Error(`tfjs wasm backend has no ${name} kernel`);
  return kernel.kernelFunc(args) as tf.TensorInfo;
}

let registered = false;

export function registerMissingWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel("Conv2DBackpropFilter", "wasm")) {
    tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2DBackpropFilter });
  }
  tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  tf.registerKernel({ kernelName: "Conv2DBackpropInput", backendName: "wasm", kernelFunc: conv2DBackpropInput });
}
