/**
 * A bounds-checked big-endian reader for TPM 2.0 marshalled structures (TPM 2.0 Part 1 §9: all integers are
 * big-endian; TPM2B_* are a UINT16 size followed by that many bytes). Every read past the end is a typed
 * TpmFormatError naming the field, never a RangeError.
 */
import { TpmFormatError } from "./errors.ts";

export class TpmReader {
  private offset = 0;
  private readonly bytes: Uint8Array;
  private readonly what: string;

  constructor(bytes: Uint8Array, what: string) {
    this.bytes = bytes;
    this.what = what;
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number, field: string): void {
    if (n > this.remaining) {
      throw new TpmFormatError(
        `${this.what}: ${field} needs ${n} bytes at offset ${this.offset}, only ${this.remaining} left`,
        { field, offset: this.offset },
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const value = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
    this.offset += 2;
    return value;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  u64(field: string): bigint {
    const high = this.u32(field);
    const low = this.u32(field);
    return (BigInt(high) << 32n) | BigInt(low);
  }

  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** A TPM2B_*: UINT16 size, then the bytes. `max` bounds the size where the spec does (e.g. a digest). */
  tpm2b(field: string, max = 0xffff): Uint8Array {
    const size = this.u16(`${field}.size`);
    if (size > max) {
      throw new TpmFormatError(`${this.what}: ${field}.size ${size} exceeds the maximum ${max}`, {
        field,
        size,
      });
    }
    return this.take(size, field);
  }

  /** Structures are parsed whole: trailing bytes mean the input is not the structure it claims to be. */
  end(): void {
    if (this.remaining !== 0) {
      throw new TpmFormatError(
        `${this.what}: ${this.remaining} unexpected trailing bytes at offset ${this.offset}`,
        {
          offset: this.offset,
        },
      );
    }
  }
}
