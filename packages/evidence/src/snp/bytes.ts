/**
 * Allocation-free byte helpers for the per-report hot path. Verification runs at thousands of reports per second,
 * and there every short-lived Buffer view or copied ArrayBuffer costs garbage-collection time that shows up next to
 * the one irreducible ECDSA verify (issue #2), so these read typed arrays in place.
 */

/** Scratch space for hex encoding: Buffer#toString(encoding, start, end) needs a Buffer, not any Uint8Array. */
const scratch = Buffer.alloc(256);

/** Lowercase hex of `bytes[offset .. offset+length)`, allocating only the resulting string. */
export function hexOf(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  if (length > scratch.length)
    return Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString("hex");
  for (let i = 0; i < length; i++) scratch[i] = bytes[offset + i]!;
  return scratch.toString("hex", 0, length);
}

/** Byte equality without creating Buffer views (the operands here are at most a few dozen bytes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
