/**
 * Encoding builtins (OPA v1/topdown/encoding.go): base64.*, base64url.*, hex.*, urlquery.*, json.marshal,
 * json.marshal_with_options, json.unmarshal, json.is_valid. Output is byte-compatible with Go's encoders
 * (encoding/base64, encoding/hex, net/url, encoding/json), including their error messages.
 */
import { BuiltinError } from "../errors.ts";
import { formatNumber, goQuote } from "../value/format.ts";
import { fromJS } from "../value/json.ts";
import { parseNumberText } from "../syntax/numbers.ts";
import { goJSONDecodeError } from "./gojson-errors.ts";
import { RObject, RSet, type Value } from "../value/value.ts";
import { builtinError, obj, operandError, str, typeError } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

// ---------------------------------------------------------------------------------------------- base64

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const STD_WELL_FORMED = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_WELL_FORMED = /^[A-Za-z0-9_-]*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

/** Decoding tables, built once per alphabet. */
const DECODE_MAPS = new Map<string, Int16Array>();

function decodeMap(alphabet: string): Int16Array {
  let map = DECODE_MAPS.get(alphabet);
  if (!map) {
    map = new Int16Array(256).fill(-1);
    for (let i = 0; i < 64; i++) map[alphabet.charCodeAt(i)] = i;
    DECODE_MAPS.set(alphabet, map);
  }
  return map;
}

/**
 * Go's base64.Encoding.DecodeString with padding required (encoding/base64 decodeQuantum): newlines are
 * ignored, trailing bits are not checked (non-strict). Returns the bytes, or the offset of the first
 * illegal byte (Go's CorruptInputError) — a number rather than an exception, since policies probe
 * `base64.is_valid` on hot paths.
 */
export function goBase64Decode(s: string, alphabet: string): Buffer | number {
  // Fast path for well-formed input (the common case, and large documents): Node's decoder agrees
  // with Go's whenever the text is canonical quanta with padding only at the end.
  if (s.length % 4 === 0 && (alphabet === STD ? STD_WELL_FORMED : URL_WELL_FORMED).test(s)) {
    return Buffer.from(s, alphabet === STD ? "base64" : "base64url");
  }
  const src = Buffer.from(s, "utf8");
  const map = decodeMap(alphabet);
  const out = Buffer.allocUnsafe(Math.floor((src.length * 3) / 4) + 3);
  let n = 0;
  let si = 0;
  const isNL = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out.subarray(0, n);
        return si - j;
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
      if (c !== 0x3d) return si - 1;
      // Padding.
      if (j === 0 || j === 1) return si - 1;
      if (j === 2) {
        while (si < src.length && isNL(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== 0x3d) return si - 1;
        si++;
      }
      while (si < src.length && isNL(src[si])) si++;
      if (si < src.length) return si;
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out[n++] = bytes[k]!;
    if (dlen < 4) return out.subarray(0, n);
  }
  return out.subarray(0, n);
}

function b64(name: string, s: string, alphabet: string): string {
  const r = goBase64Decode(s, alphabet);
  if (typeof r === "number") throw builtinError(name, `illegal base64 data at input byte ${r}`);
  return r.toString("utf8");
}

// ------------------------------------------------------------------------------------------------- hex

/** Go's %#U: "U+0067 'g'" (the quoted rune only when printable). */
function goRuneU(cp: number): string {
  const u = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  const ch = String.fromCodePoint(cp);
  return /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch) ? `${u} '${ch}'` : u;
}

function hexDecode(s: string): string {
  if (s.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(s)) return Buffer.from(s, "hex").toString("utf8");
  const src = Buffer.from(s, "utf8");
  const val = (b: number): number => {
    if (b >= 0x30 && b <= 0x39) return b - 0x30;
    if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
    if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
    return -1;
  };
  const out: number[] = [];
  let j = 1;
  for (; j < src.length; j += 2) {
    const a = val(src[j - 1]!);
    const b = val(src[j]!);
    if (a < 0) throw builtinError("hex.decode", `encoding/hex: invalid byte: ${goRuneU(src[j - 1]!)}`);
    if (b < 0) throw builtinError("hex.decode", `encoding/hex: invalid byte: ${goRuneU(src[j]!)}`);
    out.push((a << 4) | b);
  }
  if (src.length % 2 === 1) {
    if (val(src[j - 1]!) < 0)
      throw builtinError("hex.decode", `encoding/hex: invalid byte: ${goRuneU(src[j - 1]!)}`);
    throw builtinError("hex.decode", "encoding/hex: odd length hex string");
  }
  return Buffer.from(out).toString("utf8");
}

// -------------------------------------------------------------------------------------------- urlquery

/** Go url.QueryEscape: unreserved bytes stay, space becomes '+', the rest %XX. */
export function queryEscape(s: string): string {
  try {
    // encodeURIComponent keeps A-Z a-z 0-9 - _ . ! ~ * ' ( ) and uses upper-case hex, as Go does;
    // Go also escapes ! * ' ( ) and writes a space as "+".
    return encodeURIComponent(s)
      .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
      .replaceAll("%20", "+");
  } catch {
    // Lone surrogates (URIError): fall through to the byte-wise encoder.
  }
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (b === 0x20) out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

class EscapeError extends Error {}

/** Go url.QueryUnescape. */
export function queryUnescape(s: string): string {
  const src = Buffer.from(s, "utf8");
  const out: number[] = [];
  const hexv = (b: number | undefined): number =>
    b === undefined
      ? -1
      : b >= 0x30 && b <= 0x39
        ? b - 0x30
        : b >= 0x61 && b <= 0x66
          ? b - 0x57
          : b >= 0x41 && b <= 0x46
            ? b - 0x37
            : -1;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25) {
      const h = hexv(src[i + 1]);
      const l = hexv(src[i + 2]);
      if (h < 0 || l < 0) {
        const bad = src.subarray(i, Math.min(i + 3, src.length)).toString("utf8");
        throw new EscapeError(`invalid URL escape ${goQuote(bad)}`);
      }
      out.push((h << 4) | l);
      i += 2;
    } else if (b === 0x2b) out.push(0x20);
    else out.push(b);
  }
  return Buffer.from(out).toString("utf8");
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function encodeObject(args: Value[]): Value {
  const name = "urlquery.encode_object";
  const o = args[0]!;
  if (!(o instanceof RObject)) throw typeError(name, 1, o, "object");
  const err = operandError(name, 1, "values must be string, array[string], or set[string]");
  const entries: [string, string[]][] = [];
  for (const [k, v] of o.entries()) {
    const key = typeof k === "string" ? k : goJSON(k);
    let vals: string[];
    if (typeof v === "string") vals = [v];
    else if (Array.isArray(v) || v instanceof RSet) {
      vals = [];
      for (const x of Array.isArray(v) ? (v as readonly Value[]) : v.sorted()) {
        if (typeof x !== "string") throw err;
        vals.push(x);
      }
    } else throw err;
    entries.push([key, vals]);
  }
  entries.sort((a, b) => compareBytes(a[0], b[0]));
  const parts: string[] = [];
  for (const [k, vs] of entries) for (const v of vs) parts.push(`${queryEscape(k)}=${queryEscape(v)}`);
  return parts.join("&");
}

/** Go url.ParseQuery: "&"-separated, ";" rejected, first error reported after parsing everything. */
function decodeObject(args: Value[]): Value {
  const name = "urlquery.decode_object";
  const q = str(name, args, 1);
  const out = new RObject();
  let firstErr: string | undefined;
  for (const part of q.split("&")) {
    if (part === "") continue;
    if (part.includes(";")) {
      firstErr ??= "invalid semicolon separator in query";
      continue;
    }
    const eq = part.indexOf("=");
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawVal = eq < 0 ? "" : part.slice(eq + 1);
    let key: string;
    let val: string;
    try {
      key = queryUnescape(rawKey);
      val = queryUnescape(rawVal);
    } catch (e) {
      if (e instanceof EscapeError) {
        firstErr ??= e.message;
        continue;
      }
      throw e;
    }
    const prev = out.get(key);
    out.set(key, prev === undefined ? [val] : [...(prev as readonly Value[]), val]);
  }
  if (firstErr !== undefined) throw builtinError(name, firstErr);
  return out;
}

// ------------------------------------------------------------------------------------------------ JSON

/** Go encoding/json string escaping: HTML-safe (<, >, & escaped), U+2028/2029 escaped. */
export function goJSONString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
    }
    if (cp < 0x20 || ch === "<" || ch === ">" || ch === "&" || cp === 0x2028 || cp === 0x2029) {
      out += "\\u" + cp.toString(16).padStart(4, "0");
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += "\\ufffd"; // a lone surrogate is invalid UTF-8 to Go
    } else out += ch;
  }
  return out + '"';
}

/** The JSON key of a Rego object key: strings as is, other values as their JSON text (ast.JSON). */
function jsonKey(k: Value): string {
  return typeof k === "string" ? k : goJSON(k);
}

function sortedJSONEntries(o: RObject): [string, Value][] {
  const entries = [...o.entries()].map(([k, v]) => [jsonKey(k), v] as [string, Value]);
  return entries.sort((a, b) => compareBytes(a[0], b[0]));
}

/** Go json.Marshal of OPA's ast.JSON(value): compact, keys sorted, sets as sorted arrays. */
export function goJSON(v: Value): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "number":
    case "bigint":
      return formatNumber(v);
    case "string":
      return goJSONString(v);
  }
  if (Array.isArray(v)) return `[${(v as readonly Value[]).map(goJSON).join(",")}]`;
  if (v instanceof RSet) return `[${v.sorted().map(goJSON).join(",")}]`;
  return `{${sortedJSONEntries(v as RObject)
    .map(([k, x]) => `${goJSONString(k)}:${goJSON(x)}`)
    .join(",")}}`;
}

/** Go json.MarshalIndent(v, prefix, indent). */
export function goJSONIndent(v: Value, prefix: string, indent: string, depth = 0): string {
  const nl = (d: number): string => "\n" + prefix + indent.repeat(d);
  if (Array.isArray(v) || v instanceof RSet) {
    const items = Array.isArray(v) ? (v as readonly Value[]) : v.sorted();
    if (items.length === 0) return "[]";
    return `[${items.map((x) => nl(depth + 1) + goJSONIndent(x, prefix, indent, depth + 1)).join(",")}${nl(depth)}]`;
  }
  if (v instanceof RObject) {
    if (v.size === 0) return "{}";
    const parts = sortedJSONEntries(v).map(
      ([k, x]) => `${nl(depth + 1)}${goJSONString(k)}: ${goJSONIndent(x, prefix, indent, depth + 1)}`,
    );
    return `{${parts.join(",")}${nl(depth)}}`;
  }
  return goJSON(v);
}

function marshalWithOptions(args: Value[]): Value {
  const name = "json.marshal_with_options";
  const v = args[0]!;
  const opts = obj(name, args, 2);
  let indent = "\t";
  let prefix = "";
  let implicitPretty = false;
  let explicitPretty: boolean | undefined;
  for (const [k, val] of opts.sortedEntries()) {
    if (typeof k !== "string") throw operandError(name, 2, `failed to stringify key ${goJSON(k)}`);
    switch (k) {
      case "prefix":
        if (typeof val !== "string") throw operandError(name, 2, `key ${goQuote(k)} failed cast to string`);
        prefix = val;
        implicitPretty = true;
        break;
      case "indent":
        if (typeof val !== "string") throw operandError(name, 2, `key ${goQuote(k)} failed cast to string`);
        indent = val;
        implicitPretty = true;
        break;
      case "pretty":
        if (typeof val !== "boolean") throw operandError(name, 2, `key ${goQuote(k)} failed cast to bool`);
        explicitPretty = val;
        break;
      default:
        // The key prints as an ast.String, quoted.
        throw operandError(name, 2, `object contained unknown key ${goQuote(k)}`);
    }
  }
  const pretty = explicitPretty ?? implicitPretty;
  // MarshalIndent does not prefix the first line; OPA adds the prefix itself.
  return pretty ? prefix + goJSONIndent(v, prefix, indent) : goJSON(v);
}

class NumberTooBig extends Error {}

/** Go's decoder message for rejected JSON; JS's own message if the text is too deeply nested to rescan. */
function goDecodeMessage(text: string, fallback: string): string {
  try {
    return goJSONDecodeError(text) ?? fallback;
  } catch (e) {
    if (e instanceof RangeError) return fallback;
    throw e;
  }
}

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * Numbers keep their exact value as OPA's json.Number does: integral literals beyond 2^53 (`1e400`,
 * `12345678901234567890123`) become exact bigints instead of rounded or infinite doubles.
 */
const exactNumbers: Reviver = (_key, value, context) => {
  if (typeof value !== "number") return value;
  if (Number.isSafeInteger(value) || (Number.isFinite(value) && !Number.isInteger(value))) {
    return Object.is(value, -0) ? 0 : value;
  }
  const source = context?.source;
  if (source === undefined) return value;
  const exact = parseNumberText(source);
  if (exact === null || (typeof exact === "number" && !Number.isFinite(exact)))
    throw new NumberTooBig(source);
  return exact;
};

/** Bounded JSON parsing: a typed error instead of a stack overflow on absurd nesting. */
export function unmarshalJSON(name: string, text: string): Value {
  try {
    return fromJS(JSON.parse(text, exactNumbers as (this: unknown, key: string, value: unknown) => unknown));
  } catch (e) {
    if (e instanceof NumberTooBig) throw builtinError(name, `number ${e.message.slice(0, 40)} is too big`);
    if (e instanceof SyntaxError) throw builtinError(name, goDecodeMessage(text, e.message));
    if (e instanceof RangeError) {
      throw new BuiltinError("eval_limit_error", `${name}: document nested too deeply`, { halt: true });
    }
    throw e;
  }
}

function isValidJSON(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

export const encodingBuiltins: BuiltinDef[] = [
  {
    name: "base64.encode",
    arity: 1,
    fn: (a) => Buffer.from(str("base64.encode", a, 1), "utf8").toString("base64"),
  },
  { name: "base64.decode", arity: 1, fn: (a) => b64("base64.decode", str("base64.decode", a, 1), STD) },
  {
    name: "base64.is_valid",
    arity: 1,
    fn: ([s]) => typeof s === "string" && typeof goBase64Decode(s, STD) !== "number",
  },
  {
    name: "base64url.encode",
    arity: 1,
    fn: (a) => {
      const raw = Buffer.from(str("base64url.encode", a, 1), "utf8").toString("base64url");
      return raw + "=".repeat((4 - (raw.length % 4)) % 4);
    },
  },
  {
    name: "base64url.encode_no_pad",
    arity: 1,
    fn: (a) => Buffer.from(str("base64url.encode_no_pad", a, 1), "utf8").toString("base64url"),
  },
  {
    name: "base64url.decode",
    arity: 1,
    fn: (a) => {
      let s = str("base64url.decode", a, 1);
      // RFC 7515 Appendix C: restore omitted padding.
      if (!s.endsWith("=")) {
        const n = Buffer.byteLength(s) % 4;
        if (n === 2) s += "==";
        else if (n === 3) s += "=";
        else if (n === 1) throw builtinError("base64url.decode", `illegal base64url string: ${s}`);
      }
      return b64("base64url.decode", s, URL);
    },
  },
  {
    name: "hex.encode",
    arity: 1,
    fn: (a) => Buffer.from(str("hex.encode", a, 1), "utf8").toString("hex"),
  },
  { name: "hex.decode", arity: 1, fn: (a) => hexDecode(str("hex.decode", a, 1)) },
  { name: "urlquery.encode", arity: 1, fn: (a) => queryEscape(str("urlquery.encode", a, 1)) },
  {
    name: "urlquery.decode",
    arity: 1,
    fn: (a) => {
      try {
        return queryUnescape(str("urlquery.decode", a, 1));
      } catch (e) {
        if (e instanceof EscapeError) throw builtinError("urlquery.decode", e.message);
        throw e;
      }
    },
  },
  { name: "urlquery.encode_object", arity: 1, fn: encodeObject },
  { name: "urlquery.decode_object", arity: 1, fn: decodeObject },
  { name: "json.marshal", arity: 1, fn: ([v]) => goJSON(v!) },
  { name: "json.marshal_with_options", arity: 2, fn: marshalWithOptions },
  {
    name: "json.unmarshal",
    arity: 1,
    fn: (a) => unmarshalJSON("json.unmarshal", str("json.unmarshal", a, 1)),
  },
  { name: "json.is_valid", arity: 1, fn: ([s]) => typeof s === "string" && isValidJSON(s) },
];
