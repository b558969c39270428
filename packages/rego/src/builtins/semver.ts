/**
 * semver.is_valid and semver.compare (OPA v1/topdown/semver.go over internal/semver/semver.go, itself
 * derived from coreos/go-semver): an optional "v" prefix, MAJOR.MINOR.PATCH as int64s (leading zeros and
 * signs accepted by strconv.ParseInt), pre-release and build identifiers of [0-9A-Za-z-].
 */
import { builtinError, str } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
}

const IDENTIFIERS = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64 = /^[+-]?\d+$/;

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const v = BigInt(s);
  return v > 9223372036854775807n || v < -9223372036854775808n ? undefined : v;
}

export function parseSemver(input: string): Version | undefined {
  const unprefixed = input.startsWith("v") ? input.slice(1) : input;
  const [rest, meta] = cut(unprefixed, "+");
  if (meta !== "" && !IDENTIFIERS.test(meta)) return undefined;
  const [core, pre] = cut(rest, "-");
  if (pre !== "" && !IDENTIFIERS.test(pre)) return undefined;
  const parts = core.split(".");
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(parseInt64);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, pre };
}

const cmp = (a: bigint, b: bigint): number => (a > b ? 1 : a < b ? -1 : 0);

/** SemVer 2.0 §11 precedence (build metadata ignored). */
export function compareSemver(a: Version, b: Version): number {
  const c = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (c !== 0) return c;
  if (a.pre === b.pre) return 0;
  if (a.pre === "") return 1;
  if (b.pre === "") return -1;
  const xs = a.pre.split(".");
  const ys = b.pre.split(".");
  const numeric = /^\d+$/;
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = numeric.test(x);
    const yn = numeric.test(y);
    if (xn && !yn) return -1;
    if (!xn && yn) return 1;
    const d = xn && yn ? cmp(BigInt(x), BigInt(y)) : x > y ? 1 : x < y ? -1 : 0;
    if (d !== 0) return d;
  }
  return 0;
}

function operand(args: Parameters<BuiltinDef["fn"]>[0], pos: number): Version {
  const s = str("semver.compare", args, pos);
  const v = parseSemver(s);
  if (!v)
    throw builtinError("semver.compare", `operand ${pos}: string ${JSON.stringify(s)} is not a valid SemVer`);
  return v;
}

export const semverBuiltins: BuiltinDef[] = [
  { name: "semver.is_valid", arity: 1, fn: ([v]) => typeof v === "string" && parseSemver(v) !== undefined },
  {
    name: "semver.compare",
    arity: 2,
    fn: (args) => {
      const a = operand(args, 1);
      const b = operand(args, 2);
      return compareSemver(a, b);
    },
  },
];
