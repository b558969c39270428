/**
 * Rego-syntax text of a value, as OPA's `ast.Value.String()` (v1/ast/term.go): strings Go-quoted,
 * arrays `[1, 2]`, objects `{"a": 1}` and sets `{1, 2}` with members in Rego order, the empty set
 * `set()`. `sprintf("%v")` and `print` render composites with it.
 */
import { RObject, RSet, type Value } from "./value.ts";

/** Number text: integers exactly, other floats as OPA prints them (decimal, exponent only when extreme). */
export function formatNumber(n: number | bigint): string {
  if (typeof n === "bigint") return n.toString();
  if (Number.isInteger(n))
    return Number.isSafeInteger(n) ? String(Object.is(n, -0) ? 0 : n) : BigInt(n).toString();
  // JS prints exponents as "1e-7" / "1e+21"; Go (strconv and big.Float) pads them to two digits: "1e-07".
  return String(n).replace(/e([+-])(\d)$/, "e$10$2");
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const NOT_PRINTABLE = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Go's strconv.Quote: escapes quotes, backslashes and non-printable runes; printable Unicode stays. */
export function goQuote(s: string): string {
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
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
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
      case "\v":
        out += "\\v";
        continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 in Go's eyes: it prints the replacement character escaped.
      out += "\\ufffd";
    } else if (!NOT_PRINTABLE.test(ch)) {
      out += ch;
    } else if (cp < 0x80) {
      out += "\\x" + hex(cp, 2);
    } else if (cp < 0x10000) {
      out += "\\u" + hex(cp, 4);
    } else {
      out += "\\U" + hex(cp, 8);
    }
  }
  return out + '"';
}

/** The Rego text of a value (OPA's String()). */
export function formatValue(v: Value): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "number":
    case "bigint":
      return formatNumber(v);
    case "string":
      return goQuote(v);
  }
  if (Array.isArray(v)) return `[${(v as readonly Value[]).map(formatValue).join(", ")}]`;
  if (v instanceof RObject) {
    return `{${v
      .sortedEntries()
      .map(([k, val]) => `${formatValue(k)}: ${formatValue(val)}`)
      .join(", ")}}`;
  }
  const s = v as RSet;
  if (s.size === 0) return "set()";
  return `{${s.sorted().map(formatValue).join(", ")}}`;
}
