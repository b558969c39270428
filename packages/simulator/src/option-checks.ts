/**
 * Checks on the caller's report and quote options, shared by the SNP report and TDX quote builders: a value of
 * the wrong size or range is a SimulatorInputError naming the option, raised before any key is touched.
 */
import { SimulatorInputError } from "./errors.ts";

/** A field of exactly `size` bytes (a copy); absent, `fallback` (copied) or zeros. */
export function fixedBytes(
  name: string,
  value: Uint8Array | undefined,
  size: number,
  fallback?: Uint8Array,
): Uint8Array {
  const given = value ?? fallback;
  if (given === undefined) return new Uint8Array(size);
  if (value !== undefined && value.length !== size) {
    throw new SimulatorInputError(`${name} must be ${size} bytes, got ${value.length}`, { field: name });
  }
  return Uint8Array.from(given);
}

/** A field of at most `size` bytes, zero-padded to `size` (REPORT_DATA: callers often give less than 64). */
export function paddedBytes(name: string, value: Uint8Array | undefined, size: number): Uint8Array {
  const out = new Uint8Array(size);
  if (value === undefined) return out;
  if (value.length > size) {
    throw new SimulatorInputError(`${name} must be at most ${size} bytes, got ${value.length}`, {
      field: name,
    });
  }
  out.set(value);
  return out;
}

/** A u64 field given as a bigint. */
export function u64Option(name: string, value: bigint): bigint {
  if (typeof value !== "bigint" || value < 0n || value >= 1n << 64n) {
    throw new SimulatorInputError(`${name} must be a bigint that fits in 64 bits`);
  }
  return value;
}
