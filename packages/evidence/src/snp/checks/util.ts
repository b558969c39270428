/** Small helpers shared by the SNP check modules. */
export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

export const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Trustee's `regularize_data`: zero-pad to `size`, or truncate when longer. */
export function regularize(data: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(data.subarray(0, size));
  return out;
}
