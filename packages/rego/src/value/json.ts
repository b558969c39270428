/**
 * JSON ⇄ Rego values. JSON integers beyond 2^53 keep their exact value (as bigint), since OPA numbers
 * are arbitrary precision; sets serialise as sorted arrays and non-string object keys as their JSON
 * text, as OPA's `ast.JSON` does.
 */
import { RObject, RSet, isNumber, type Value } from "./value.ts";

const INTEGER = /^-?\d+$/;

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/** JSON.parse's reviver exposes the source text (ES2025 "JSON.parse source text access", Node ≥ 21). */
const keepBigIntegers: Reviver = (_key, value, context) => {
  if (
    typeof value === "number" &&
    !Number.isSafeInteger(value) &&
    context?.source &&
    INTEGER.test(context.source)
  ) {
    return BigInt(context.source);
  }
  return value;
};

/** Converts a JS value as produced by JSON.parse (possibly with bigints) into a Rego value. */
export function fromJS(js: unknown): Value {
  if (js === null || typeof js === "string" || typeof js === "boolean") return js;
  if (typeof js === "number") return js;
  if (typeof js === "bigint") return Number.isSafeInteger(Number(js)) ? Number(js) : js;
  if (Array.isArray(js)) return js.map(fromJS);
  if (typeof js === "object") {
    if (js instanceof RObject || js instanceof RSet) return js;
    const o = new RObject();
    for (const [k, v] of Object.entries(js as Record<string, unknown>)) o.set(k, fromJS(v));
    return o;
  }
  throw new TypeError(`cannot convert a JS ${typeof js} to a Rego value`);
}

/** Parses JSON text into a Rego value, keeping big integers exact. Throws SyntaxError on bad JSON. */
export function parseJSON(text: string): Value {
  return fromJS(JSON.parse(text, keepBigIntegers as (this: unknown, key: string, value: unknown) => unknown));
}

/** A Rego value as a plain JS value for JSON output (bigints stay bigints; see toJSONText). */
export function toJS(v: Value): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(toJS);
  if (v instanceof RSet) return v.sorted().map(toJS);
  const out: Record<string, unknown> = {};
  for (const [k, val] of (v as RObject).sortedEntries()) {
    out[typeof k === "string" ? k : toJSONText(k)] = toJS(val);
  }
  return out;
}

function numberText(n: number | bigint): string {
  if (typeof n === "bigint") return n.toString();
  if (!Number.isFinite(n)) throw new RangeError(`${n} has no JSON representation`);
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return BigInt(n).toString();
  return JSON.stringify(n);
}

/** Serialises a Rego value as JSON text (compact, sorted keys, exact big integers). */
export function toJSONText(v: Value, indent?: number): string {
  const js = toJS(v);
  if (indent === undefined) return stringifyCompact(js);
  return JSON.stringify(
    js,
    (_k, val) => (typeof val === "bigint" ? `__BIGINT__${val}` : val),
    indent,
  ).replace(/"__BIGINT__(-?\d+)"/g, "$1");
}

function stringifyCompact(js: unknown): string {
  if (js === null) return "null";
  switch (typeof js) {
    case "string":
    case "boolean":
      return JSON.stringify(js);
    case "number":
    case "bigint":
      return numberText(js);
    default:
      if (Array.isArray(js)) return `[${js.map(stringifyCompact).join(",")}]`;
      return `{${Object.entries(js as Record<string, unknown>)
        .map(([k, val]) => `${JSON.stringify(k)}:${stringifyCompact(val)}`)
        .join(",")}}`;
  }
}

export { isNumber };
