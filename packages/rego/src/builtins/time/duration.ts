/**
 * Go's time.ParseDuration (go/src/time/format.go): "[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+" with units
 * ns, us, µs, μs, ms, s, m, h; the result must fit an int64 of nanoseconds. Errors carry Go's text.
 * OPA's time.parse_duration_ns also accepts d (24h), w (7d) and y (365d) (v1/topdown/durationparser;
 * conformance time/parse duration nanos, days/weeks/years).
 */
const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // U+00B5 micro sign
  "\u03bcs": 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
  y: 31_536_000_000_000_000n,
};

const INT64_MAX = (1n << 63n) - 1n;

export class DurationError extends Error {}

export function parseDuration(text: string): bigint {
  const quoted = JSON.stringify(text);
  const invalid = (): DurationError => new DurationError(`time: invalid duration ${quoted}`);
  let s = text;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const whole = m[1]!;
    const frac = m[2];
    if (whole === "" && (frac === undefined || frac === "")) throw invalid();
    s = s.slice(m[0].length);
    let u = 0;
    while (u < s.length && s[u] !== "." && !(s[u]! >= "0" && s[u]! <= "9")) u++;
    if (u === 0) throw new DurationError(`time: missing unit in duration ${quoted}`);
    const unitText = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS[unitText];
    if (unit === undefined)
      throw new DurationError(`time: unknown unit ${JSON.stringify(unitText)} in duration ${quoted}`);
    let v = BigInt(whole === "" ? "0" : whole) * unit;
    if (frac !== undefined && frac !== "") {
      // Go scales the fraction in float64: int64(float64(f) * (float64(unit) / scale)).
      const digits = frac.slice(0, 18);
      v += BigInt(Math.trunc(Number(digits) * (Number(unit) / 10 ** digits.length)));
    }
    total += v;
    if (total > INT64_MAX + (neg ? 1n : 0n)) throw invalid();
  }
  return neg ? -total : total;
}
