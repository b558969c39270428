/**
 * `sprintf` with Go's fmt semantics over the arguments OPA hands to fmt.Sprintf (v1/topdown/strings.go
 * builtinSprintf): integers become Go ints (or *big.Int beyond int64), other numbers float64, strings
 * Go strings, and every other value its Rego text (ast String()) as a Go string. Verbs, flags, width,
 * precision, `*`, explicit argument indexes and the `%!verb(type=value)` error forms follow fmt/print.go.
 */
import { formatValue, goQuote } from "../value/format.ts";
import type { Value } from "../value/value.ts";
import { arr, str } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

type Arg =
  | { kind: "int"; v: bigint } // Go int (int64)
  | { kind: "bigint"; v: bigint } // *big.Int
  | { kind: "float"; v: number } // float64
  | { kind: "string"; v: string };

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** The Go value OPA passes to fmt for a Rego value. */
export function toGoArg(v: Value): Arg {
  if (typeof v === "bigint")
    return v >= INT64_MIN && v <= INT64_MAX ? { kind: "int", v } : { kind: "bigint", v };
  if (typeof v === "number") {
    if (Number.isInteger(v)) {
      const b = BigInt(v);
      return b >= INT64_MIN && b <= INT64_MAX ? { kind: "int", v: b } : { kind: "bigint", v: b };
    }
    return { kind: "float", v };
  }
  if (typeof v === "string") return { kind: "string", v };
  return { kind: "string", v: formatValue(v) };
}

function goTypeName(a: Arg): string {
  switch (a.kind) {
    case "int":
      return "int";
    case "bigint":
      return "*big.Int";
    case "float":
      return "float64";
    case "string":
      return "string";
  }
}

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function pad(s: string, f: Spec, zeroOk = true): string {
  const w = f.width;
  const len = [...s].length;
  if (w === undefined || len >= w) return s;
  const fill = w - len;
  if (f.minus) return s + " ".repeat(fill);
  if (f.zero && zeroOk) {
    // Zero padding goes after the sign.
    const m = /^[+\- ]/.exec(s);
    if (m) return m[0] + "0".repeat(fill) + s.slice(1);
    return "0".repeat(fill) + s;
  }
  return " ".repeat(fill) + s;
}

// ------------------------------------------------------------------------------------------- integers

function fmtInteger(n: bigint, verb: string, f: Spec): string {
  const neg = n < 0n;
  const mag = neg ? -n : n;
  let digits: string;
  switch (verb) {
    case "d":
    case "v":
    case "s":
      digits = mag.toString(10);
      break;
    case "b":
      digits = mag.toString(2);
      break;
    case "o":
    case "O":
      digits = mag.toString(8);
      break;
    case "x":
      digits = mag.toString(16);
      break;
    case "X":
      digits = mag.toString(16).toUpperCase();
      break;
    default:
      throw new Error(`unexpected integer verb ${verb}`);
  }
  if (f.prec !== undefined) {
    if (f.prec === 0 && mag === 0n) digits = "";
    else if (digits.length < f.prec) digits = "0".repeat(f.prec - digits.length) + digits;
  }
  let prefix = "";
  if (f.sharp) {
    if (verb === "b") prefix = "0b";
    else if (verb === "o" && !digits.startsWith("0")) prefix = "0";
    else if (verb === "x") prefix = "0x";
    else if (verb === "X") prefix = "0X";
  }
  if (verb === "O") prefix = "0o";
  const sign = neg ? "-" : f.plus ? "+" : f.space ? " " : "";
  const body = prefix + digits;
  // fmt: with an explicit precision the 0 flag is ignored; zeros go between sign/prefix and digits.
  if (f.zero && !f.minus && f.prec === undefined && f.width !== undefined) {
    const fill = f.width - sign.length - body.length;
    if (fill > 0) return sign + prefix + "0".repeat(fill) + digits;
  }
  return pad(sign + body, f, false);
}

function fmtRune(n: bigint, verb: string, f: Spec): string {
  const cp = n >= 0n && n <= 0x10ffffn && !(n >= 0xd800n && n <= 0xdfffn) ? Number(n) : 0xfffd;
  const ch = String.fromCodePoint(cp);
  if (verb === "c") return pad(ch, f, false);
  if (verb === "q") {
    const q = goQuote(ch);
    const inner = q.slice(1, -1).replace(/\\"/g, '"');
    return pad(`'${inner === "'" ? "\\'" : inner}'`, f, false);
  }
  // %U
  let s = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  if (f.sharp && /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) s += ` '${ch}'`;
  return pad(s, f, false);
}

// --------------------------------------------------------------------------------------------- floats

/** |x| exactly, as digits / 10^scale: every double is a finite binary fraction. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e = -1074;
  if (biased !== 0) {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  if (e >= 0) return { digits: mant << BigInt(e), scale: 0 };
  return { digits: mant * 5n ** BigInt(-e), scale: -e };
}

/** n / 10^drop rounded half to even, as Go's strconv rounds exact decimal expansions. */
function roundHalfEven(n: bigint, drop: number): bigint {
  if (drop <= 0) return n * 10n ** BigInt(-drop);
  const d = 10n ** BigInt(drop);
  let q = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) q++;
  return q;
}

/** Decimal digits and exponent of |x|: shortest round-trip digits, or exactly `sig` significant digits. */
function decompose(x: number, sig: number | undefined): { digits: string; exp: number } {
  if (sig === undefined) {
    const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(x).toExponential())!;
    return { digits: m[1]! + (m[2] ?? ""), exp: Number(m[3]) };
  }
  const n = Math.max(sig, 1);
  if (x === 0) return { digits: "0".repeat(n), exp: 0 };
  const { digits, scale } = exactDecimal(x);
  const len = digits.toString().length;
  let exp = len - 1 - scale;
  let q = roundHalfEven(digits, len - n).toString();
  if (q.length > n) {
    // Rounding carried into a new digit (9.99 → 10.0).
    q = q.slice(0, n);
    exp++;
  }
  return { digits: q, exp };
}

/** |x| with exactly `prec` digits after the point (Go's %f: exact expansion, half-even). */
function fixed(x: number, prec: number): string {
  const { digits, scale } = exactDecimal(x);
  const q = roundHalfEven(digits, scale - prec)
    .toString()
    .padStart(prec + 1, "0");
  return prec === 0 ? q : `${q.slice(0, q.length - prec)}.${q.slice(q.length - prec)}`;
}

function expText(exp: number, upper: boolean): string {
  const sign = exp < 0 ? "-" : "+";
  const a = Math.abs(exp);
  return (upper ? "E" : "e") + sign + (a < 10 ? "0" + a : String(a));
}

function fmtE(x: number, prec: number | undefined, upper: boolean, sharp: boolean): string {
  const { digits, exp } = decompose(x, prec === undefined ? undefined : prec + 1);
  let mant = digits[0]!;
  const rest = digits.slice(1);
  if (rest.length > 0 || sharp) mant += "." + rest;
  return mant + expText(digits === "0" ? 0 : exp, upper);
}

function fmtF(x: number, prec: number | undefined): string {
  if (prec === undefined) {
    // Shortest decimal that round-trips, never in exponent form.
    const { digits, exp } = decompose(x, undefined);
    if (digits === "0") return "0";
    if (exp >= digits.length - 1) return digits + "0".repeat(exp - digits.length + 1);
    if (exp >= 0) return digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
    return "0." + "0".repeat(-exp - 1) + digits;
  }
  return fixed(x, prec);
}

/** Go's strconv.FormatFloat(x, 'g', -1, 64): shortest digits, exponent form below 1e-4 or from 1e6. */
export function goFormatFloat(x: number): string {
  return (x < 0 || Object.is(x, -0) ? "-" : "") + fmtG(x, undefined, false, false);
}

function fmtG(x: number, prec: number | undefined, upper: boolean, sharp: boolean): string {
  let p = prec;
  if (p === 0) p = 1;
  const { digits, exp } = decompose(x, p);
  let eprec = p ?? 6;
  if (p !== undefined && eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
  if (p === undefined) eprec = 6;
  let d = digits;
  if (!sharp) d = d.replace(/0+$/, "") || "0";
  else if (p !== undefined && d.length < p) d = d + "0".repeat(p - d.length);
  if (exp < -4 || exp >= eprec) {
    let mant = d[0]!;
    if (d.length > 1 || sharp) mant += "." + d.slice(1);
    return mant + expText(d === "0" ? 0 : exp, upper);
  }
  // %f with as many fraction digits as significant digits need.
  if (exp >= d.length - 1) {
    const s = d + "0".repeat(exp - d.length + 1);
    return sharp ? s + "." : s;
  }
  if (exp >= 0) return d.slice(0, exp + 1) + "." + d.slice(exp + 1);
  return "0." + "0".repeat(-exp - 1) + d;
}

function fmtFloat(x: number, verb: string, f: Spec): string {
  let body: string;
  switch (verb) {
    case "v":
    case "g":
      body = fmtG(x, f.prec, false, f.sharp);
      break;
    case "G":
      body = fmtG(x, f.prec, true, f.sharp);
      break;
    case "e":
    case "E":
      body = fmtE(x, f.prec ?? 6, verb === "E", f.sharp);
      break;
    case "f":
    case "F":
      body = fmtF(x, f.prec ?? 6);
      if (f.sharp && !body.includes(".")) body += ".";
      break;
    default:
      throw new Error(`unexpected float verb ${verb}`);
  }
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? "-" : f.plus ? "+" : f.space ? " " : "";
  return pad(sign + body, f);
}

// -------------------------------------------------------------------------------------------- strings

function fmtString(s: string, verb: string, f: Spec): string {
  let t = s;
  switch (verb) {
    case "v":
    case "s":
      if (f.prec !== undefined) t = [...t].slice(0, f.prec).join("");
      return pad(t, f, false);
    case "q": {
      if (f.prec !== undefined) t = [...t].slice(0, f.prec).join("");
      if (f.sharp && !/[`\p{Cc}]/u.test(t) && !/[^\p{L}\p{M}\p{N}\p{P}\p{S} \t]/u.test(t))
        return pad("`" + t + "`", f, false);
      let q = goQuote(t);
      if (f.plus) q = q.replace(/[^\x00-\x7f]/gu, (c) => escapeNonAscii(c));
      return pad(q, f, false);
    }
    case "x":
    case "X": {
      let bytes = [...Buffer.from(t, "utf8")];
      if (f.prec !== undefined) bytes = bytes.slice(0, f.prec);
      const parts = bytes.map((b) => {
        const h = b.toString(16).padStart(2, "0");
        return verb === "X" ? h.toUpperCase() : h;
      });
      const prefix = f.sharp ? (verb === "X" ? "0X" : "0x") : "";
      const out = f.space ? parts.map((p) => prefix + p).join(" ") : prefix + parts.join("");
      return pad(out, f, false);
    }
    default:
      throw new Error(`unexpected string verb ${verb}`);
  }
}

function escapeNonAscii(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp < 0x10000 ? "\\u" + cp.toString(16).padStart(4, "0") : "\\U" + cp.toString(16).padStart(8, "0");
}

// ---------------------------------------------------------------------------------------------- verbs

/** The %v text of an argument, used inside error forms like %!d(string=foo). */
function plainText(a: Arg): string {
  switch (a.kind) {
    case "int":
    case "bigint":
      return a.v.toString();
    case "float":
      return fmtG(a.v, undefined, false, false);
    case "string":
      return a.v;
  }
}

function badVerb(verb: string, a: Arg): string {
  const type = a.kind === "bigint" ? "big.Int" : goTypeName(a);
  return `%!${verb}(${type}=${plainText(a)})`;
}

function formatArg(a: Arg, verb: string, f: Spec): string {
  if (verb === "T") return pad(goTypeName(a), f, false);
  switch (a.kind) {
    case "int":
      if ("vdboOxX".includes(verb)) return fmtInteger(a.v, verb, f);
      if ("cqU".includes(verb)) return fmtRune(a.v, verb, f);
      return badVerb(verb, a);
    case "bigint":
      // *big.Int implements fmt.Formatter (math/big intconv.go): b o O d s v x X, else its own error form.
      if ("bdosvxXO".includes(verb)) return fmtInteger(a.v, verb, f);
      return badVerb(verb, a);
    case "float":
      if ("vgGeEfF".includes(verb)) return fmtFloat(a.v, verb, f);
      return badVerb(verb, a);
    case "string":
      if ("vsqxX".includes(verb)) return fmtString(a.v, verb, f);
      return badVerb(verb, a);
  }
}

/** Go's fmt.Sprintf over already-converted arguments. */
export function goSprintf(format: string, args: readonly Arg[]): string {
  let out = "";
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const n = format.length;

  /** Parses "[n]" at i; returns the new arg index (or undefined if malformed). */
  const parseIndex = (): { ok: boolean } => {
    if (format[i] !== "[") return { ok: true };
    reordered = true;
    const close = format.indexOf("]", i);
    const num = close < 0 ? NaN : Number(format.slice(i + 1, close));
    if (close < 0 || !/^\d+$/.test(format.slice(i + 1, close)) || num < 1 || num > args.length) {
      i = close < 0 ? n : close + 1;
      return { ok: false };
    }
    argNum = num - 1;
    i = close + 1;
    return { ok: true };
  };

  while (i < n) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const f: Spec = {
      plus: false,
      minus: false,
      sharp: false,
      space: false,
      zero: false,
      width: undefined,
      prec: undefined,
    };
    // flags
    for (; i < n; i++) {
      const c = format[i];
      if (c === "+") f.plus = true;
      else if (c === "-") {
        f.minus = true;
        f.zero = false;
      } else if (c === "#") f.sharp = true;
      else if (c === " ") f.space = true;
      else if (c === "0") f.zero = !f.minus;
      else break;
    }
    let goodIndex = parseIndex().ok;
    // width
    if (format[i] === "*") {
      i++;
      const a = args[argNum];
      argNum++;
      if (a && a.kind === "int" && a.v <= 1000000n && a.v >= -1000000n) {
        let w = Number(a.v);
        if (w < 0) {
          f.minus = true;
          f.zero = false;
          w = -w;
        }
        f.width = w;
      } else out += "%!(BADWIDTH)";
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        f.width = Math.min(Number(m[0]), 1000000);
        i += m[0].length;
      }
    }
    // precision
    if (format[i] === ".") {
      i++;
      if (format[i] === "[") goodIndex = parseIndex().ok && goodIndex;
      if (format[i] === "*") {
        i++;
        const a = args[argNum];
        argNum++;
        if (a && a.kind === "int" && a.v >= 0n && a.v <= 1000000n) f.prec = Number(a.v);
        else out += "%!(BADPREC)";
      } else {
        const m = /^\d+/.exec(format.slice(i));
        f.prec = m ? Math.min(Number(m[0]), 1000000) : 0;
        if (m) i += m[0].length;
      }
    }
    if (format[i] === "[") goodIndex = parseIndex().ok && goodIndex;
    if (i >= n) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (!goodIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argNum]!, verb, f);
    argNum++;
  }
  if (!reordered && argNum < args.length) {
    out +=
      "%!(EXTRA " +
      args
        .slice(argNum)
        .map((a) => `${goTypeName(a)}=${plainText(a)}`)
        .join(", ") +
      ")";
  }
  return out;
}

export const sprintfBuiltins: BuiltinDef[] = [
  {
    name: "sprintf",
    arity: 2,
    fn: (args) => {
      const format = str("sprintf", args, 1);
      const values = arr("sprintf", args, 2);
      return goSprintf(format, values.map(toGoArg));
    },
  },
];
