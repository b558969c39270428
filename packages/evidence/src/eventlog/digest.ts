import { createHash } from "node:crypto";
import { HASH_ALGORITHMS, isHashAlgorithmName } from "./tcg.ts";

/** Hash `data` with a TCG digest algorithm by its Trustee name; undefined for non-hash algorithms (RSA, TDES). */
export function hashWith(algorithm: string, ...parts: Uint8Array[]): Uint8Array | undefined {
  if (!isHashAlgorithmName(algorithm)) return undefined;
  const h = createHash(HASH_ALGORITHMS[algorithm].nodeName);
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
