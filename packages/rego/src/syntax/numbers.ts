/**
 * Number literals: OPA keeps a number's text (json.Number) and computes exactly. Here the AST keeps
 * the text and an exact value: integers (including integral literals such as `1e3` or `2.50e2`) as a
 * JS number when safe, else a bigint; other numbers as the nearest double.
 */

const SAFE = 9007199254740991n;

/**
 * OPA rejects literals whose binary exponent exceeds 1e5 ("number too big", parser.go parseNumber),
 * about 30,103 decimal digits; the same bound here keeps bigint construction cheap.
 */
const MAX_DECIMAL_EXPONENT = 30_103;

const NUMBER = /^(-)?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The exact value of a literal such as `-12`, `1.5`, `.5`, `1e1000`; null when it is too big. */
export function parseNumberText(text: string): number | bigint | null {
  // Fast path: short plain integers (the common case) are exact as doubles.
  if (text.length < 16 && /^-?[0-9]+$/.test(text)) return Number(text) || 0;
  const m = NUMBER.exec(text);
  if (m === null) return Number.NaN;
  const neg = m[1] === "-";
  const intDigits = m[2] ?? "";
  const fracDigits = (m[3] ?? "").replace(/0+$/, "");
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  let digits = (intDigits + fracDigits).replace(/^0+/, "");
  if (digits === "") return 0;
  // value = digits × 10^(exp − fracDigits.length)
  const scale = exp - fracDigits.length;
  const magnitude = digits.length + scale; // decimal digits before the point
  if (magnitude > MAX_DECIMAL_EXPONENT) return null;
  if (scale >= 0) {
    digits += "0".repeat(scale);
    let v = BigInt(digits);
    if (neg) v = -v;
    return v >= -SAFE && v <= SAFE ? Number(v) : v;
  }
  if (magnitude < -MAX_DECIMAL_EXPONENT) return null;
  const f = Number(text);
  return Object.is(f, -0) ? 0 : f;
}
