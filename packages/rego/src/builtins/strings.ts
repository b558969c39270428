/**
 * String builtins (OPA v1/topdown/strings.go). Go strings are UTF-8 and index by rune where OPA says so
 * (indexof, substring, count); JS strings are UTF-16, so rune positions are computed over code points.
 */
import { type Value, RSet } from "../value/value.ts";
import { toBigInt } from "../value/number.ts";
import {
  builtinError,
  enumError,
  int,
  num,
  obj,
  operandError,
  str,
  stringSlice,
  typeError,
} from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

/** Go's unicode.IsSpace (strings.TrimSpace): JS \s also matches U+FEFF, and lacks U+0085. */
const GO_SPACE = "\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
const IS_GO_SPACE = new RegExp(`^[${GO_SPACE}]$`);

/**
 * strings.TrimSpace by scanning from both ends (a `[…]+$` regex would be quadratic on a long run of
 * spaces not at the end). Go's spaces are all in the BMP, so UTF-16 units suffice.
 */
function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && IS_GO_SPACE.test(s[a]!)) a++;
  while (b > a && IS_GO_SPACE.test(s[b - 1]!)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function runes(s: string): string[] {
  return Array.from(s);
}

function isASCII(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

/** Rune index of a UTF-16 index. */
function runeIndex(s: string, utf16Index: number): number {
  if (utf16Index <= 0) return utf16Index;
  let n = 0;
  for (let i = 0; i < utf16Index; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < utf16Index) i++;
    n++;
  }
  return n;
}

function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  if (isASCII(cutset)) {
    // ASCII cutset: UTF-16 units suffice (no surrogate half is ASCII).
    let a = 0;
    let b = s.length;
    if (left) while (a < b && cutset.includes(s[a]!)) a++;
    if (right) while (b > a && cutset.includes(s[b - 1]!)) b--;
    return a === 0 && b === s.length ? s : s.slice(a, b);
  }
  const cut = new Set(runes(cutset));
  let a = 0;
  let b = s.length;
  if (left) {
    while (a < b) {
      const ch = String.fromCodePoint(s.codePointAt(a)!);
      if (!cut.has(ch)) break;
      a += ch.length;
    }
  }
  if (right) {
    while (b > a) {
      const lo = s.charCodeAt(b - 1);
      const w =
        lo >= 0xdc00 && lo <= 0xdfff && b - 2 >= a && (s.charCodeAt(b - 2) & 0xfc00) === 0xd800 ? 2 : 1;
      if (!cut.has(s.slice(b - w, b))) break;
      b -= w;
    }
  }
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** The UTF-16 offset `count` code points after `from` (clamped to the end). */
function utf16Offset(s: string, from: number, count: number): number {
  let i = from;
  for (let n = 0; n < count && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return i;
}

/** Go strings.Split: an empty separator splits into runes; "" with "" gives []. */
function goSplit(s: string, sep: string): string[] {
  if (sep === "") return runes(s);
  return s.split(sep);
}

/**
 * Go strings.NewReplacer semantics: at each position the first pattern (in argument order) that matches
 * is replaced, scanning left to right without overlaps; an empty pattern matches between runes.
 */
export function goReplace(s: string, pairs: readonly [string, string][]): string {
  if (pairs.length === 1 && pairs[0]![0] !== "") {
    const [old, rep] = pairs[0]!;
    // split/join is literal (no `$` patterns in `rep`), non-overlapping left to right as Go's
    // genericReplacer for one pattern, and much cheaper than replaceAll with a callback.
    return s.includes(old) ? s.split(old).join(rep) : s;
  }
  let out = "";
  let i = 0;
  let lastEmptyAt = -1;
  while (i <= s.length) {
    let matched = false;
    for (const [old, rep] of pairs) {
      if (old === "") {
        if (lastEmptyAt === i) continue;
        out += rep;
        lastEmptyAt = i;
        matched = true;
        break;
      }
      if (s.startsWith(old, i)) {
        out += rep;
        i += old.length;
        matched = true;
        break;
      }
    }
    if (matched && lastEmptyAt !== i) continue;
    if (i >= s.length) break;
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    out += ch;
    i += ch.length;
  }
  return out;
}

function stringsOf(name: string, v: Value, pos: number): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) || v instanceof RSet) return stringSlice(name, v, pos);
  throw typeError(name, pos, v, "string", "set", "array");
}

/**
 * Go's strings.ToUpper/ToLower map each rune by Unicode's simple case mapping: "ß" stays "ß" and a final
 * sigma is not special, where JS applies full, context-sensitive mappings. Map rune by rune and keep
 * the rune when JS would expand it.
 */
function mapCase(s: string, upper: boolean): string {
  const whole = upper ? s.toUpperCase() : s.toLowerCase();
  // No rune expanded (the length is unchanged) and no context-sensitive rune: the whole-string mapping
  // is already the rune-by-rune one.
  if (whole.length === s.length && (upper || !/[\u03a3\u0130]/.test(s))) return whole;
  let out = "";
  for (const ch of s) {
    if (!upper && ch === "\u0130") {
      out += "i"; // simple lowercase of U+0130 (JS gives "i\u0307")
      continue;
    }
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

function reverse(s: string): string {
  return runes(s).reverse().join("");
}

function formatInt(args: Value[]): Value {
  const name = "format_int";
  const input = num(name, args, 1);
  const base = num(name, args, 2);
  const radix = base === 2 || base === 8 || base === 10 || base === 16 ? base : undefined;
  if (radix === undefined) throw enumError(name, 2, "2", "8", "10", "16");
  // big.Float.Int truncates toward zero.
  const i = toBigInt(input) ?? BigInt(Math.trunc(input as number));
  return i.toString(radix);
}

export const stringsBuiltins: BuiltinDef[] = [
  {
    name: "concat",
    arity: 2,
    fn: (args) => {
      const sep = str("concat", args, 1);
      const v = args[1]!;
      if (!Array.isArray(v) && !(v instanceof RSet)) throw typeError("concat", 2, v, "set", "array");
      return stringSlice("concat", v, 2).join(sep);
    },
  },
  { name: "contains", arity: 2, fn: (a) => str("contains", a, 1).includes(str("contains", a, 2)) },
  { name: "startswith", arity: 2, fn: (a) => str("startswith", a, 1).startsWith(str("startswith", a, 2)) },
  { name: "endswith", arity: 2, fn: (a) => str("endswith", a, 1).endsWith(str("endswith", a, 2)) },
  { name: "format_int", arity: 2, fn: formatInt },
  {
    name: "indexof",
    arity: 2,
    fn: (a) => {
      const s = str("indexof", a, 1);
      const search = str("indexof", a, 2);
      if (search === "") throw builtinError("indexof", "empty search character");
      const i = s.indexOf(search);
      return i < 0 || isASCII(s) ? i : runeIndex(s, i);
    },
  },
  {
    name: "indexof_n",
    arity: 2,
    fn: (a) => {
      const s = str("indexof_n", a, 1);
      const search = str("indexof_n", a, 2);
      if (search === "") throw builtinError("indexof_n", "empty search character");
      const out: number[] = [];
      // Overlapping matches, as OPA scans every rune position.
      for (let i = s.indexOf(search); i >= 0; i = s.indexOf(search, i + 1)) out.push(runeIndex(s, i));
      return out;
    },
  },
  { name: "lower", arity: 1, fn: (a) => mapCase(str("lower", a, 1), false) },
  { name: "upper", arity: 1, fn: (a) => mapCase(str("upper", a, 1), true) },
  {
    name: "replace",
    arity: 3,
    fn: (a) => goReplace(str("replace", a, 1), [[str("replace", a, 2), str("replace", a, 3)]]),
  },
  {
    name: "strings.replace_n",
    arity: 2,
    fn: (a) => {
      const name = "strings.replace_n";
      const patterns = obj(name, a, 1);
      const s = str(name, a, 2);
      const pairs: [string, string][] = [];
      for (const [k, v] of patterns.sortedEntries()) {
        if (typeof k !== "string") throw operandError(name, 1, "non-string key found in pattern object");
        if (typeof v !== "string") throw operandError(name, 1, "non-string value found in pattern object");
        pairs.push([k, v]);
      }
      return goReplace(s, pairs);
    },
  },
  {
    name: "split",
    arity: 2,
    fn: (a) => {
      const s = str("split", a, 1);
      const d = str("split", a, 2);
      if (d !== "" && !s.includes(d)) return [s];
      return goSplit(s, d);
    },
  },
  {
    // Keeps the first n parts (n > 0) or the last -n parts (n < 0); 0 gives [].
    name: "strings.split_n",
    arity: 3,
    fn: (a) => {
      const name = "strings.split_n";
      const s = str(name, a, 1);
      const d = str(name, a, 2);
      const n = int(name, a, 3);
      const parts = d !== "" && !s.includes(d) ? [s] : goSplit(s, d);
      if (n >= 0) return parts.slice(0, n);
      return parts.slice(Math.max(parts.length + n, 0));
    },
  },
  {
    name: "substring",
    arity: 3,
    fn: (a) => {
      const s = str("substring", a, 1);
      const start = int("substring", a, 2);
      const length = int("substring", a, 3);
      if (start < 0) throw builtinError("substring", "negative offset");
      if (isASCII(s)) {
        if (start >= s.length) return "";
        return s.slice(start, length < 0 ? s.length : Math.min(s.length, start + length));
      }
      // Walk code points to UTF-16 offsets rather than materialising a rune array.
      const from = utf16Offset(s, 0, start);
      if (from >= s.length) return "";
      return length < 0 ? s.slice(from) : s.slice(from, utf16Offset(s, from, length));
    },
  },
  { name: "trim", arity: 2, fn: (a) => trimCutset(str("trim", a, 1), str("trim", a, 2), true, true) },
  {
    name: "trim_left",
    arity: 2,
    fn: (a) => trimCutset(str("trim_left", a, 1), str("trim_left", a, 2), true, false),
  },
  {
    name: "trim_right",
    arity: 2,
    fn: (a) => trimCutset(str("trim_right", a, 1), str("trim_right", a, 2), false, true),
  },
  {
    name: "trim_prefix",
    arity: 2,
    fn: (a) => {
      const s = str("trim_prefix", a, 1);
      const p = str("trim_prefix", a, 2);
      return s.startsWith(p) ? s.slice(p.length) : s;
    },
  },
  {
    name: "trim_suffix",
    arity: 2,
    fn: (a) => {
      const s = str("trim_suffix", a, 1);
      const p = str("trim_suffix", a, 2);
      return p !== "" && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
    },
  },
  {
    name: "trim_space",
    arity: 1,
    fn: (a) => trimSpace(str("trim_space", a, 1)),
  },
  { name: "strings.reverse", arity: 1, fn: (a) => reverse(str("strings.reverse", a, 1)) },
  {
    name: "strings.any_prefix_match",
    arity: 2,
    fn: (a) => {
      const name = "strings.any_prefix_match";
      const strs = stringsOf(name, a[0]!, 1);
      const prefixes = stringsOf(name, a[1]!, 2);
      return strs.some((s) => prefixes.some((p) => s.startsWith(p)));
    },
  },
  {
    name: "strings.any_suffix_match",
    arity: 2,
    fn: (a) => {
      const name = "strings.any_suffix_match";
      const strs = stringsOf(name, a[0]!, 1);
      const suffixes = stringsOf(name, a[1]!, 2);
      return strs.some((s) => suffixes.some((p) => s.endsWith(p)));
    },
  },
  {
    name: "strings.count",
    arity: 2,
    fn: (a) => {
      const s = str("strings.count", a, 1);
      const sub = str("strings.count", a, 2);
      // Go strings.Count: non-overlapping; an empty substring counts rune boundaries.
      if (sub === "") return runes(s).length + 1;
      return s.split(sub).length - 1;
    },
  },
];
