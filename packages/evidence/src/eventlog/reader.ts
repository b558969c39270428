import { EventLogFormatError } from "./errors.ts";

/**
 * A bounds-checked little-endian cursor over a byte buffer. Every read names the field it is
 * reading so a short or corrupt log fails with an EventLogFormatError saying what and where,
 * instead of a RangeError or a silently wrong value. `base` is added to reported offsets so
 * readers over a sub-slice still report positions in the whole log.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly base: number;
  offset = 0;

  constructor(bytes: Uint8Array, base = 0) {
    this.bytes = bytes;
    this.base = base;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Absolute offset (in the whole log) of the next byte to be read. */
  get position(): number {
    return this.base + this.offset;
  }

  fail(message: string, field: string, extra?: Record<string, unknown>): never {
    throw new EventLogFormatError(message, { offset: this.position, field, ...extra });
  }

  private need(length: number, field: string): void {
    if (length > this.remaining) {
      this.fail(`truncated: ${field} needs ${length} bytes, ${this.remaining} left`, field, {
        needed: length,
        available: this.remaining,
      });
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.bytes[this.offset]! | (this.bytes[this.offset + 1]! << 8);
    this.offset += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const o = this.offset;
    const v = (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
    this.offset += 4;
    return v;
  }

  /** A u64 as a bigint: sizes in the log are u64 and may be absurd; callers compare before using them. */
  u64(field: string): bigint {
    const lo = BigInt(this.u32(field));
    const hi = BigInt(this.u32(field));
    return (hi << 32n) | lo;
  }

  /** `length` bytes (a view, not a copy). `length` may be a bigint straight from a u64 field. */
  take(length: number | bigint, field: string): Uint8Array {
    if (typeof length === "bigint") {
      if (length > BigInt(this.remaining)) {
        this.fail(`truncated: ${field} needs ${length} bytes, ${this.remaining} left`, field, {
          needed: length.toString(),
          available: this.remaining,
        });
      }
      length = Number(length);
    }
    this.need(length, field);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  skip(length: number, field: string): void {
    this.need(length, field);
    this.offset += length;
  }
}
