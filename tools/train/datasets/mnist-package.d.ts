/** The `mnist` package ships no types: one entry per digit, each with its images as 784 pixel values in 0–1. */
declare module "mnist" {
  interface DigitSet {
    length: number;
    get(index: number): number[];
  }
  const mnist: Record<number, DigitSet>;
  export default mnist;
}
