/**
 * Text decoding with the exact semantics of the Rust calls Trustee's eventlog crate uses, so
 * decoded strings match its claims byte for byte. `ignoreBOM` keeps a leading U+FEFF, as Rust does.
 */

const utf8Fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Lossy = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const utf16Fatal = new TextDecoder("utf-16le", { fatal: true, ignoreBOM: true });
const utf16Lossy = new TextDecoder("utf-16le", { fatal: false, ignoreBOM: true });

/** Rust `String::from_utf8`: undefined when the bytes are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Rust `String::from_utf8_lossy` (both replace maximal invalid subparts with U+FFFD). */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return utf8Lossy.decode(bytes);
}

/** Rust `String::from_utf16` over little-endian words: undefined on an unpaired surrogate. */
export function decodeUtf16LeStrict(bytes: Uint8Array): string | undefined {
  try {
    return utf16Fatal.decode(evenLength(bytes));
  } catch {
    return undefined;
  }
}

/** Rust `String::from_utf16_lossy` over little-endian words. */
export function decodeUtf16LeLossy(bytes: Uint8Array): string {
  return utf16Lossy.decode(evenLength(bytes));
}

/** `chunks_exact(2)` drops a trailing odd byte; do the same before decoding. */
function evenLength(bytes: Uint8Array): Uint8Array {
  return bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
