/**
 * units.parse and units.parse_bytes (OPA v1/topdown/parse_units.go, parse_bytes.go). Amounts are parsed
 * as exact rationals (OPA: big.Rat / big.Float), so "0.0005K" is exactly 0.5.
 */
import { normalize } from "../value/number.ts";
import { builtinError, str } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

/** OPA's maxExponentDigits: longer exponents are rejected before any arithmetic. */
const MAX_EXPONENT_DIGITS = 6;
/**
 * A six-digit exponent is accepted by OPA but would build a million-digit number here; beyond this
 * magnitude we report "exponent too large" too, so evaluation stays bounded.
 */
const MAX_EXPONENT = 4096;

class ExponentTooLarge extends Error {}

/** parse_bytes.go extractNumAndUnit: splits "10.5e3KiB" into "10.5e3" and "KiB". */
function extractNumAndUnit(s: string): [string, string] {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
  let first = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!isDigit(c) && c !== "." && c !== "e" && c !== "E" && c !== "+" && c !== "-") {
      first = i;
      break;
    }
    if (c === "e" || c === "E") {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== "+" && next !== "-")) {
        first = i;
        break;
      }
      if (next === "+" || next === "-") i++;
      let end = i + 1;
      while (end < s.length && isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) throw new ExponentTooLarge();
    }
  }
  if (first === -1) return [s, ""];
  if (first === 0) return ["", s];
  return [s.slice(0, first), s.slice(first)];
}

interface Rational {
  num: bigint;
  den: bigint;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Exact value of a decimal literal, or undefined when it is not one (big.Rat.SetString syntax). */
function parseRational(s: string): Rational | undefined {
  const m = DECIMAL.exec(s);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const exp = Number(m[4] ?? "0");
  if (Math.abs(exp) > MAX_EXPONENT) throw new ExponentTooLarge();
  const frac = m[3] ?? "";
  let num = BigInt((m[2] || "0") + frac);
  let den = 10n ** BigInt(frac.length);
  if (exp > 0) num *= 10n ** BigInt(exp);
  else if (exp < 0) den *= 10n ** BigInt(-exp);
  if (m[1] === "-") num = -num;
  return { num, den };
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

const SI: Record<string, Rational> = {
  m: { num: 1n, den: 1000n },
  "": { num: 1n, den: 1n },
  k: { num: 1000n, den: 1n },
  K: { num: 1000n, den: 1n },
  M: { num: 10n ** 6n, den: 1n },
  g: { num: 10n ** 9n, den: 1n },
  G: { num: 10n ** 9n, den: 1n },
  t: { num: 10n ** 12n, den: 1n },
  T: { num: 10n ** 12n, den: 1n },
  p: { num: 10n ** 15n, den: 1n },
  P: { num: 10n ** 15n, den: 1n },
  e: { num: 10n ** 18n, den: 1n },
  E: { num: 10n ** 18n, den: 1n },
  ki: { num: 1n << 10n, den: 1n },
  Ki: { num: 1n << 10n, den: 1n },
  mi: { num: 1n << 20n, den: 1n },
  Mi: { num: 1n << 20n, den: 1n },
  gi: { num: 1n << 30n, den: 1n },
  Gi: { num: 1n << 30n, den: 1n },
  ti: { num: 1n << 40n, den: 1n },
  Ti: { num: 1n << 40n, den: 1n },
  pi: { num: 1n << 50n, den: 1n },
  Pi: { num: 1n << 50n, den: 1n },
  ei: { num: 1n << 60n, den: 1n },
  Ei: { num: 1n << 60n, den: 1n },
};

const BYTES: Record<string, bigint> = {
  "": 1n,
  kb: 1000n,
  k: 1000n,
  kib: 1n << 10n,
  ki: 1n << 10n,
  mb: 10n ** 6n,
  m: 10n ** 6n,
  mib: 1n << 20n,
  mi: 1n << 20n,
  gb: 10n ** 9n,
  g: 10n ** 9n,
  gib: 1n << 30n,
  gi: 1n << 30n,
  tb: 10n ** 12n,
  t: 10n ** 12n,
  tib: 1n << 40n,
  ti: 1n << 40n,
  pb: 10n ** 15n,
  p: 10n ** 15n,
  pib: 1n << 50n,
  pi: 1n << 50n,
  eb: 10n ** 18n,
  e: 10n ** 18n,
  eib: 1n << 60n,
  ei: 1n << 60n,
};

/** big.Rat.FloatString(10) read back as a number: ten decimals, rounded half away from zero. */
function ratToNumber(r: Rational): number | bigint {
  const g = gcd(r.num, r.den);
  const num = r.num / g;
  const den = r.den / g;
  if (den === 1n) return normalize(num);
  const neg = num < 0n;
  const a = neg ? -num : num;
  const scaled = (a * 10n ** 10n * 2n + den) / (2n * den);
  const text = `${neg ? "-" : ""}${scaled / 10n ** 10n}.${(scaled % 10n ** 10n).toString().padStart(10, "0")}`;
  return Number(text);
}

function unitsParse(args: Parameters<BuiltinDef["fn"]>[0]): number | bigint {
  const name = "units.parse";
  const s = str(name, args, 1).replaceAll('"', "");
  if (s.includes(" ")) throw builtinError(name, "spaces not allowed in resource strings");
  try {
    const [num, rawUnit] = extractNumAndUnit(s);
    if (num === "") throw builtinError(name, "no amount provided");
    let unit = rawUnit;
    // Only the letters after the first are lower-cased, so "m" (milli) and "M" (mega) differ.
    if (unit.length > 1) unit = unit[0] + unit.slice(1).toLowerCase();
    const factor = SI[unit];
    if (factor === undefined) throw builtinError(name, `unit ${unit} not recognized`);
    const amount = parseRational(num);
    if (amount === undefined) throw builtinError(name, "could not parse amount to a number");
    return ratToNumber({ num: amount.num * factor.num, den: amount.den * factor.den });
  } catch (e) {
    if (e instanceof ExponentTooLarge) throw builtinError(name, "exponent too large");
    throw e;
  }
}

function unitsParseBytes(args: Parameters<BuiltinDef["fn"]>[0]): number | bigint {
  const name = "units.parse_bytes";
  const s = str(name, args, 1).toLowerCase().replaceAll('"', "");
  if (s.includes(" ")) throw builtinError(name, "spaces not allowed in resource strings");
  try {
    const [num, unit] = extractNumAndUnit(s);
    if (num === "") throw builtinError(name, "no byte amount provided");
    const factor = BYTES[unit];
    if (factor === undefined) throw builtinError(name, `byte unit ${unit} not recognized`);
    const amount = parseRational(num);
    if (amount === undefined) throw builtinError(name, "could not parse byte amount to a number");
    // big.Float.Int truncates toward zero.
    return normalize((amount.num * factor) / amount.den);
  } catch (e) {
    if (e instanceof ExponentTooLarge) throw builtinError(name, "exponent too large");
    throw e;
  }
}

export const unitsBuiltins: BuiltinDef[] = [
  { name: "units.parse", arity: 1, fn: unitsParse },
  { name: "units.parse_bytes", arity: 1, fn: unitsParseBytes },
];
