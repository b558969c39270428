/**
 * Glob builtins (OPA v1/topdown/glob.go) with gobwas/glob semantics: `*` any run of non-delimiter
 * runes, `**` any run, `?` one non-delimiter rune, `[a-z]`/`[!a-z]` classes, `{a,b}` alternatives,
 * `\` escapes. Patterns are translated to RE2 syntax and run on re2js (linear time), cached by
 * pattern and delimiters.
 */
import { RE2JS } from "re2js";
import { builtinError, elementError, str, typeError } from "./operands.ts";
import type { Value } from "../value/value.ts";
import type { BuiltinDef } from "./types.ts";

class GlobError extends Error {}

/** RE2 itself refuses nesting beyond 1000; alternatives deeper than this are refused up front. */
const MAX_NESTING = 500;

function reEscape(ch: string): string {
  return /[\\.+*?()|[\]{}^$-]/.test(ch) ? "\\" + ch : ch;
}

function classEscape(ch: string): string {
  return /[\\\]^[-]/.test(ch) ? "\\" + ch : ch;
}

/** Translates a gobwas glob to an RE2 pattern body. */
export function globToRegex(pattern: string, delimiters: readonly string[]): string {
  const rs = Array.from(pattern);
  const notDelim = delimiters.length === 0 ? "." : `[^${delimiters.map(classEscape).join("")}]`;
  let i = 0;
  let depth = 0;

  const parseSeq = (inTerms: boolean): string => {
    let out = "";
    while (i < rs.length) {
      const c = rs[i]!;
      if (inTerms && (c === "," || c === "}")) return out;
      i++;
      switch (c) {
        case "*":
          if (rs[i] === "*") {
            i++;
            out += ".*";
          } else out += notDelim + "*";
          break;
        case "?":
          out += notDelim;
          break;
        case "\\":
          if (i >= rs.length) throw new GlobError("unexpected end of input after escape character");
          out += reEscape(rs[i++]!);
          break;
        case "[":
          out += parseClass();
          break;
        case "{": {
          // Bounded nesting: a typed error, not a stack overflow, on `{{{{…`.
          if (++depth > MAX_NESTING)
            throw new GlobError(`pattern alternatives nest deeper than ${MAX_NESTING}`);
          const alts: string[] = [];
          for (;;) {
            alts.push(parseSeq(true));
            if (i >= rs.length) throw new GlobError("unexpected end of input: unclosed pattern list");
            if (rs[i++] === "}") break;
          }
          out += `(?:${alts.join("|")})`;
          depth--;
          break;
        }
        case "}":
          throw new GlobError("unexpected '}' without opening '{'");
        default:
          out += reEscape(c);
      }
    }
    if (inTerms) throw new GlobError("unexpected end of input: unclosed pattern list");
    return out;
  };

  const parseClass = (): string => {
    let neg = false;
    if (rs[i] === "!") {
      neg = true;
      i++;
    }
    let body = "";
    let count = 0;
    for (;;) {
      if (i >= rs.length) throw new GlobError("unexpected end of input: unclosed character class");
      let c = rs[i++]!;
      if (c === "]") break;
      if (c === "\\") {
        if (i >= rs.length) throw new GlobError("unexpected end of input after escape character");
        c = rs[i++]!;
      }
      if (rs[i] === "-" && i + 1 < rs.length && rs[i + 1] !== "]") {
        let hi = rs[i + 1]!;
        i += 2;
        if (hi === "\\" && i < rs.length) hi = rs[i++]!;
        if (hi.codePointAt(0)! < c.codePointAt(0)!) throw new GlobError(`invalid range ${c}-${hi}`);
        body += `${classEscape(c)}-${classEscape(hi)}`;
      } else body += classEscape(c);
      count++;
    }
    if (count === 0) throw new GlobError("character class must be non-empty");
    return `[${neg ? "^" : ""}${body}]`;
  };

  return parseSeq(false);
}

const CACHE_MAX = 256;
const cache = new Map<string, RE2JS>();

function compileGlob(pattern: string, delimiters: readonly string[]): RE2JS {
  const key = JSON.stringify([pattern, delimiters]);
  let re = cache.get(key);
  if (re) return re;
  re = RE2JS.compile(`^(?s:${globToRegex(pattern, delimiters)})$`);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, re);
  return re;
}

/** gobwas QuoteMeta: escapes the glob metacharacters `* ? \ [ ] { }`. */
export function globQuoteMeta(s: string): string {
  return s.replace(/[*?\\[\]{}]/g, "\\$&");
}

function delimitersOf(v: Value): string[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw typeError("glob.match", 2, v, "array", "null");
  const out: string[] = [];
  for (const d of v as readonly Value[]) {
    // OPA's RuneSliceOperand: each delimiter must be a single rune.
    if (typeof d !== "string") throw elementError("glob.match", 2, v, d, "string");
    if (Array.from(d).length !== 1) throw elementError("glob.match", 2, v, d, "rune");
    out.push(d);
  }
  // An empty list means the default delimiter ".".
  return out.length === 0 ? ["."] : out;
}

export const globBuiltins: BuiltinDef[] = [
  {
    name: "glob.match",
    arity: 3,
    fn: (args) => {
      const pattern = str("glob.match", args, 1);
      const delimiters = delimitersOf(args[1]!);
      const s = str("glob.match", args, 3);
      try {
        return compileGlob(pattern, delimiters).testExact(s);
      } catch (e) {
        if (e instanceof GlobError) throw builtinError("glob.match", e.message);
        throw e;
      }
    },
  },
  { name: "glob.quote_meta", arity: 1, fn: (args) => globQuoteMeta(str("glob.quote_meta", args, 1)) },
];
