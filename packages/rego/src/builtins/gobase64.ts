/**
 * Base64 decoding with Go's encoding/base64 semantics (StdEncoding / URLEncoding, padded or raw), because
 * OPA's crypto and JWT builtins surface Go's errors verbatim: "illegal base64 data at input byte N".
 * Like Go, CR and LF are skipped anywhere in the input (decodeQuantum in go/src/encoding/base64).
 */
export class Base64Error extends Error {
  readonly offset: number;
  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.offset = offset;
  }
}

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

export interface Base64Options {
  url: boolean;
  padded: boolean;
}

/** Decodes base64 text (its UTF-8 bytes) as Go does, throwing Base64Error at the first bad byte. */
export function goBase64Decode(text: string | Uint8Array, { url, padded }: Base64Options): Uint8Array {
  const src = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const map = url ? URL_MAP : STD_MAP;
  const PAD = 0x3d;
  const out: number[] = [];
  let si = 0;
  const isNL = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;
  while (true) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailingError: number | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out);
        if (j === 1 || padded) throw new Base64Error(si - j);
        dlen = j;
        break;
      }
      const c = src[si]!;
      si++;
      const v = map[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNL(c)) {
        j--;
        continue;
      }
      if (!padded || c !== PAD) throw new Base64Error(si - 1);
      // Padding: only after two or three symbols.
      if (j === 0 || j === 1) throw new Base64Error(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si])) si++;
        if (si === src.length) throw new Base64Error(src.length);
        if (src[si] !== PAD) throw new Base64Error(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si])) si++;
      if (si < src.length) trailingError = si;
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k]!);
    if (trailingError !== undefined) throw new Base64Error(trailingError);
    if (dlen < 4) return Uint8Array.from(out);
  }
}

export const stdBase64 = (text: string): Uint8Array => goBase64Decode(text, { url: false, padded: true });
export const rawURLBase64 = (text: string): Uint8Array => goBase64Decode(text, { url: true, padded: false });
