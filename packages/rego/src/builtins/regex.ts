/**
 * Regular-expression builtins (OPA v1/topdown/regex.go, regex_template.go) on re2js, a port of Go's RE2
 * engine: Go syntax, leftmost-first semantics and linear-time matching, so a hostile pattern or input
 * cannot hang evaluation. Compiled patterns are cached (bounded, as OPA's regexpCache).
 */
import { RE2JS } from "re2js";
import type { Value } from "../value/value.ts";
import { builtinError, int, str } from "./operands.ts";
import { globsIntersect } from "./globs-intersect.ts";
import type { BuiltinDef } from "./types.ts";

/** The Go-style regexp object inside re2js (RE2JS#re2()): FindAll*, with Go's empty-match rules. */
interface GoRegexp {
  findAllIndex(s: string, n: number): [number, number][] | null;
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
  numberOfCapturingGroups(): number;
  namedGroups: Record<string, number>;
}

/** OPA caches at most 100 compiled patterns (regex.go regexCacheMaxSize); we keep a few more. */
const CACHE_MAX = 256;
const cache = new Map<string, RE2JS>();

/** Thrown for an invalid pattern; carries Go's message, e.g. "error parsing regexp: missing closing ): `a(b`". */
class PatternError extends Error {}

function compileJS(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re) return re;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    throw new PatternError(e instanceof Error ? e.message : String(e));
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(pattern, re);
  return re;
}

function compileGo(pattern: string): GoRegexp {
  return compileJS(pattern).re2() as unknown as GoRegexp;
}

function compileFor(name: string, pattern: string): GoRegexp {
  try {
    return compileGo(pattern);
  } catch (e) {
    if (e instanceof PatternError) throw builtinError(name, e.message);
    throw e;
  }
}

/**
 * Per-pattern memo of match results: policies test the same few strings against the same patterns on every
 * request, and a Map lookup is far cheaper than running re2js. Bounded on both axes (patterns, strings per
 * pattern) and limited to short strings, so memory stays small whatever the input.
 */
const RESULT_PATTERNS_MAX = 256;
const RESULTS_PER_PATTERN_MAX = 512;
const RESULT_STRING_MAX = 1024;
const results = new Map<string, Map<string, boolean>>();

function memoized(pattern: string, s: string): Map<string, boolean> | undefined {
  if (s.length > RESULT_STRING_MAX) return undefined;
  let m = results.get(pattern);
  if (!m) {
    if (results.size >= RESULT_PATTERNS_MAX) results.delete(results.keys().next().value!);
    m = new Map();
    results.set(pattern, m);
  }
  return m;
}

export function regexMatches(name: string, pattern: string, s: string): boolean {
  try {
    const memo = memoized(pattern, s);
    const known = memo?.get(s);
    if (known !== undefined) return known;
    // RE2JS#test runs on the DFA when it can (no capture bookkeeping).
    const r = compileJS(pattern).test(s);
    if (memo) {
      if (memo.size >= RESULTS_PER_PATTERN_MAX) memo.delete(memo.keys().next().value!);
      memo.set(s, r);
    }
    return r;
  } catch (e) {
    if (e instanceof PatternError) throw builtinError(name, e.message);
    throw e;
  }
}

/** Go regexp.Split(s, -1). */
function goSplit(re: GoRegexp, pattern: string, s: string): string[] {
  if (pattern.length > 0 && s.length === 0) return [""];
  const matches = re.findAllIndex(s, -1) ?? [];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [a, b] of matches) {
    end = a;
    if (b !== 0) out.push(s.slice(beg, end));
    beg = b;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/**
 * Go regexp.Expand: `$1`, `${1}`, `$name`, `${name}`; `$$` is a literal `$`. A name is the longest run of
 * [A-Za-z0-9_], so `$1x` names group "1x" (empty unless it exists); a malformed `$` stays literal.
 */
function expand(template: string, s: string, groups: number[], named: Record<string, number>): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf("$", i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === "$") {
      out += "$";
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === "{") {
      const close = template.indexOf("}", i);
      const inner = close < 0 ? "" : template.slice(i + 1, close);
      if (close >= 0 && /^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (m) {
        name = m[0];
        i += m[0].length;
      }
    }
    if (name === undefined) {
      out += "$";
      continue;
    }
    let idx: number | undefined;
    if (/^\d+$/.test(name)) idx = Number(name);
    else idx = named[name];
    if (idx !== undefined && 2 * idx + 1 < groups.length) {
      const a = groups[2 * idx]!;
      const b = groups[2 * idx + 1]!;
      if (a >= 0 && b >= 0) out += s.slice(a, b);
    }
  }
  return out;
}

/** Go regexp.ReplaceAllString. */
function replaceAll(re: GoRegexp, s: string, template: string): string {
  const matches = re.findAllSubmatchIndex(s, -1) ?? [];
  if (matches.length === 0) return s;
  let out = "";
  let last = 0;
  for (const m of matches) {
    out += s.slice(last, m[0]!);
    out += expand(template, s, m, re.namedGroups ?? {});
    last = m[1]!;
  }
  return out + s.slice(last);
}

/** Go regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** regex_template.go compileRegexTemplate (forked from gorilla/mux): literal text quoted, delimited parts raw. */
function compileTemplate(name: string, tpl: string, start: string, end: string): GoRegexp {
  const idxs: number[] = [];
  let level = 0;
  let idx = 0;
  for (let i = 0; i < tpl.length; i++) {
    if (tpl[i] === start) {
      if (++level === 1) idx = i;
    } else if (tpl[i] === end) {
      if (--level === 0) idxs.push(idx, i + 1);
      else if (level < 0) throw builtinError(name, `unbalanced braces in ${JSON.stringify(tpl)}`);
    }
  }
  if (level !== 0) throw builtinError(name, `unbalanced braces in ${JSON.stringify(tpl)}`);
  let pattern = "^";
  let last = 0;
  for (let i = 0; i < idxs.length; i += 2) {
    const raw = tpl.slice(last, idxs[i]);
    last = idxs[i + 1]!;
    const part = tpl.slice(idxs[i]! + 1, last - 1);
    pattern += `${quoteMeta(raw)}(${part})`;
    compileFor(name, `^${part}$`);
  }
  pattern += quoteMeta(tpl.slice(last)) + "$";
  return compileFor(name, pattern);
}

function matchBuiltin(name: string): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: (a) => {
      const pattern = str(name, a, 1);
      const s = str(name, a, 2);
      return regexMatches(name, pattern, s);
    },
  };
}

export const regexBuiltins: BuiltinDef[] = [
  matchBuiltin("regex.match"),
  matchBuiltin("re_match"),
  {
    name: "regex.is_valid",
    arity: 1,
    fn: ([p]) => {
      if (typeof p !== "string") return false;
      try {
        compileGo(p);
        return true;
      } catch (e) {
        if (e instanceof PatternError) return false;
        throw e;
      }
    },
  },
  {
    name: "regex.split",
    arity: 2,
    fn: (a) => {
      const pattern = str("regex.split", a, 1);
      const s = str("regex.split", a, 2);
      return goSplit(compileFor("regex.split", pattern), pattern, s);
    },
  },
  {
    name: "regex.find_n",
    arity: 3,
    fn: (a) => {
      const pattern = str("regex.find_n", a, 1);
      const s = str("regex.find_n", a, 2);
      const n = int("regex.find_n", a, 3);
      const re = compileFor("regex.find_n", pattern);
      return (re.findAllIndex(s, n) ?? []).map(([x, y]) => s.slice(x, y));
    },
  },
  {
    name: "regex.find_all_string_submatch_n",
    arity: 3,
    fn: (a) => {
      const name = "regex.find_all_string_submatch_n";
      const pattern = str(name, a, 1);
      const s = str(name, a, 2);
      const n = int(name, a, 3);
      const re = compileFor(name, pattern);
      return (re.findAllSubmatchIndex(s, n) ?? []).map((m) => {
        const row: Value[] = [];
        for (let i = 0; i < m.length; i += 2) row.push(m[i]! < 0 ? "" : s.slice(m[i], m[i + 1]));
        return row;
      });
    },
  },
  {
    name: "regex.replace",
    arity: 3,
    fn: (a) => {
      const s = str("regex.replace", a, 1);
      const pattern = str("regex.replace", a, 2);
      const value = str("regex.replace", a, 3);
      return replaceAll(compileFor("regex.replace", pattern), s, value);
    },
  },
  {
    name: "regex.template_match",
    arity: 4,
    fn: (a) => {
      const name = "regex.template_match";
      const pattern = str(name, a, 1);
      const s = str(name, a, 2);
      const start = str(name, a, 3);
      const end = str(name, a, 4);
      // Go measures bytes; the message reports the start delimiter's length for both (OPA's wording).
      const startLen = Buffer.byteLength(start);
      if (startLen !== 1)
        throw builtinError(
          name,
          `start delimiter has to be exactly one character long but is ${startLen} long`,
        );
      if (Buffer.byteLength(end) !== 1)
        throw builtinError(
          name,
          `end delimiter has to be exactly one character long but is ${startLen} long`,
        );
      const re = compileTemplate(name, pattern, start, end);
      return (re.findAllIndex(s, 1) ?? []).length > 0;
    },
  },
  {
    name: "regex.globs_match",
    arity: 2,
    fn: (a) => {
      const g1 = str("regex.globs_match", a, 1);
      const g2 = str("regex.globs_match", a, 2);
      try {
        return globsIntersect(g1, g2);
      } catch (e) {
        if (e instanceof Error && e.name === "GlobSyntaxError")
          throw builtinError("regex.globs_match", e.message);
        throw e;
      }
    },
  },
];
