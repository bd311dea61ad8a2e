// `wrangler types` declares the modules of our own [[rules]] (*.onnx); wrangler's default CompiledWasm rule for
// *.wasm is not declared by it, so it is declared here.
declare module "*.wasm" {
  /** Compiled at upload time by wrangler: workerd refuses to compile WebAssembly from bytes at run time. */
  const module: WebAssembly.Module;
  export default module;
}
