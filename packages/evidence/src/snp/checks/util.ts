/** Small helpers shared by the SNP check modules. They run on every verification, so none copies its input. */
import type { CheckLog } from "../../types.ts";
import { hexOf, sameBytes } from "../bytes.ts";

export const hex = (b: Uint8Array): string => hexOf(b);

export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => sameBytes(a, b);

export const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * `log.expect` whose expected/actual texts are built only when the check fails: the texts of passing checks are
 * never recorded, and formatting them on every verification is most of a verifier's non-crypto cost.
 */
export function expectLazy(
  log: CheckLog,
  check: string,
  ok: boolean,
  expected: () => string,
  actual: () => string,
): boolean {
  if (ok) log.pass(check);
  else log.fail(check, expected(), actual());
  return ok;
}

/** Trustee's `regularize_data`: zero-pad to `size`, or truncate when longer. */
export function regularize(data: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(data.subarray(0, size));
  return out;
}
