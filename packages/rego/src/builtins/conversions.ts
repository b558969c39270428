/**
 * Conversion builtins (OPA v1/topdown/casts.go): to_number, and the v0-only deprecated cast_* family.
 */
import { normalize } from "../value/number.ts";
import { RObject, RSet, type Value } from "../value/value.ts";
import { builtinError, typeError } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

const DECIMAL_INT = /^[+-]?\d+$/;
// Go strconv.ParseFloat syntax: decimal, or hexadecimal with a base prefix (only then may `_` separate digits).
const DECIMAL_FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?|\.[0-9a-fA-F_]+)(?:[pP][+-]?\d+)?$/;

function hexFloat(s: string): number {
  const neg = s.startsWith("-");
  const body = s.replace(/^[+-]?0[xX]/, "").replace(/_/g, "");
  const [mant, exp] = body.split(/[pP]/) as [string, string | undefined];
  const [ip, fp = ""] = mant.split(".") as [string, string | undefined];
  let v = 0;
  for (const c of ip) v = v * 16 + parseInt(c, 16);
  let scale = 1 / 16;
  for (const c of fp) {
    v += parseInt(c, 16) * scale;
    scale /= 16;
  }
  v *= 2 ** Number(exp ?? 0);
  return neg ? -v : v;
}

/**
 * Builds an error without capturing a stack trace. Policies probe strings with to_number (Kata's IP-address
 * checks call it on every path component) and a failed parse is an ordinary undefined result there, so the
 * stack capture would dominate its cost; the error's type, code and message are unchanged.
 */
function withoutStack<E>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Parses a numeric string as Go's strconv.ParseFloat accepts it, keeping integers exact. */
export function parseNumberString(name: string, s: string): number | bigint {
  if (DECIMAL_INT.test(s)) {
    // At most 15 characters means at most 15 digits, always below 2^53: Number() is exact, no BigInt needed;
    // `+ 0` turns "-0" into 0 as normalize() does.
    if (s.length <= 15) return Number(s) + 0;
    return normalize(BigInt(s));
  }
  let v: number;
  if (DECIMAL_FLOAT.test(s)) v = Number(s);
  else if (HEX_FLOAT.test(s)) v = hexFloat(s);
  else
    throw withoutStack(() =>
      builtinError(name, `strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`),
    );
  if (!Number.isFinite(v))
    throw builtinError(name, `strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
  if (Number.isInteger(v) && !Number.isSafeInteger(v)) return BigInt(v);
  return Object.is(v, -0) ? 0 : v;
}

function toNumber([v]: Value[]): Value {
  if (v === null) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (typeof v === "string") {
    // Only strings ending in f/y/n (any case) can spell inf/infinity/nan: skip the regex otherwise.
    const last = v.charCodeAt(v.length - 1) | 0x20;
    const word = last === 0x66 || last === 0x79 || last === 0x6e ? v.replace(/^[+-]+/, "").toLowerCase() : "";
    if (word === "inf" || word === "infinity" || word === "nan") {
      throw typeError("to_number", 1, v, "valid number string");
    }
    return parseNumberString("to_number", v);
  }
  throw typeError("to_number", 1, v!, "null", "boolean", "number", "string");
}

function cast(
  name: string,
  ok: (v: Value) => boolean,
  expected: string[],
  conv?: (v: Value) => Value,
): BuiltinDef {
  return {
    name,
    arity: 1,
    fn: ([v]) => {
      if (!ok(v!)) throw typeError(name, 1, v!, ...expected);
      return conv ? conv(v!) : v!;
    },
  };
}

const isArrayOrSet = (v: Value): boolean => Array.isArray(v) || v instanceof RSet;

export const conversionsBuiltins: BuiltinDef[] = [
  { name: "to_number", arity: 1, fn: toNumber },
  cast("cast_array", isArrayOrSet, ["array", "set"], (v) => (v instanceof RSet ? v.sorted() : v)),
  cast("cast_set", isArrayOrSet, ["array", "set"], (v) => (v instanceof RSet ? v : RSet.of(v as Value[]))),
  cast("cast_string", (v) => typeof v === "string", ["string"]),
  cast("cast_boolean", (v) => typeof v === "boolean", ["boolean"]),
  cast("cast_null", (v) => v === null, ["null"]),
  cast("cast_object", (v) => v instanceof RObject, ["object"]),
];
