/**
 * `regex.globs_match`: do two globs share a non-empty matching string? The glob dialect is that of
 * yashtewari/glob-intersection (used by OPA): `.` any rune, `[a-z0-9]` sets (ranges, no negation), `\`
 * escapes, and a `*` or `+` flag after any token. Decided exactly by a breadth-first search over the
 * product of the two globs' automata (linear in |g1|·|g2|), rather than that library's heuristics.
 */

export class GlobSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GlobSyntaxError";
  }
}

interface Token {
  /** undefined = any rune (dot); else inclusive code point ranges. */
  ranges: [number, number][] | undefined;
  flag: "" | "*" | "+";
}

function invalid(input: string, pos: number, message: string): GlobSyntaxError {
  // Wording of the library's invalidInputMessageErrorf, wrapping ErrInvalidInput.
  return new GlobSyntaxError(`input:${input}, pos:${pos}, ${message}: the input provided is invalid`);
}

export function tokenizeGlob(input: string): Token[] {
  const rs = Array.from(input);
  const tokens: Token[] = [];
  let i = 0;
  const nextRune = (at: number): { r: string; escaped: boolean; next: number } | undefined => {
    if (at >= rs.length) return undefined;
    if (rs[at] === "\\") {
      if (at === rs.length - 1) throw invalid(input, at, "input ends with a \\ (escape) character");
      return { r: rs[at + 1]!, escaped: true, next: at + 2 };
    }
    return { r: rs[at]!, escaped: false, next: at + 1 };
  };
  for (;;) {
    const t = nextRune(i);
    if (!t) break;
    i = t.next;
    let token: Token;
    if (!t.escaped && t.r === ".") token = { ranges: undefined, flag: "" };
    else if (!t.escaped && t.r === "]") throw invalid(input, i, "set-close ']' with no preceding '['");
    else if (!t.escaped && (t.r === "*" || t.r === "+"))
      throw invalid(input, i, `flag '${t.r}' must be preceded by a non-flag`);
    else if (!t.escaped && t.r === "[") {
      const ranges: [number, number][] = [];
      let complete = false;
      let prev: number | undefined;
      for (let s = nextRune(i); s; s = nextRune(i)) {
        i = s.next;
        if (!s.escaped && s.r === "-") {
          if (prev === undefined)
            throw invalid(input, i, "range character '-' must be preceded by a Unicode character");
          if (i >= rs.length - 1)
            throw invalid(input, i, "range character '-' must be followed by a Unicode character");
          const e = nextRune(i)!;
          i = e.next;
          if (!e.escaped && (e.r === "]" || e.r === "-"))
            throw invalid(input, i, "range character '-' cannot be followed by a special symbol");
          const hi = e.r.codePointAt(0)!;
          if (hi < prev)
            throw invalid(
              input,
              i,
              `range is out of order: '${e.r}' comes before '${String.fromCodePoint(prev)}' in Unicode`,
            );
          ranges.push([prev, hi]);
          prev = undefined;
        } else if (!s.escaped && s.r === "]") {
          complete = true;
          break;
        } else {
          const cp = s.r.codePointAt(0)!;
          ranges.push([cp, cp]);
          prev = cp;
        }
      }
      if (!complete) throw invalid(input, i, "found [ without matching ]");
      token = { ranges, flag: "" };
    } else {
      const cp = t.r.codePointAt(0)!;
      token = { ranges: [[cp, cp]], flag: "" };
    }
    const f = nextRune(i);
    if (f && !f.escaped && (f.r === "*" || f.r === "+")) {
      token.flag = f.r;
      i = f.next;
    }
    tokens.push(token);
  }
  return tokens;
}

function overlap(a: Token, b: Token): boolean {
  if (a.ranges === undefined) return b.ranges === undefined || b.ranges.length > 0;
  if (b.ranges === undefined) return a.ranges.length > 0;
  for (const [lo1, hi1] of a.ranges)
    for (const [lo2, hi2] of b.ranges) if (lo1 <= hi2 && lo2 <= hi1) return true;
  return false;
}

/** `+` is one mandatory token followed by a starred copy, so every token is plain or starred. */
function normalise(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.flag === "+") out.push({ ranges: t.ranges, flag: "" }, { ranges: t.ranges, flag: "*" });
    else out.push(t);
  }
  return out;
}

/**
 * The product automaton has (|a|+1)·(|b|+1)·2 states; beyond this many the question is refused with a
 * typed error rather than spending unbounded time and memory (real globs are a few dozen tokens).
 */
export const MAX_PRODUCT_STATES = 1 << 23;

export function globsIntersect(g1: string, g2: string): boolean {
  const a = normalise(tokenizeGlob(g1));
  const b = normalise(tokenizeGlob(g2));
  const width = b.length + 1;
  const states = (a.length + 1) * width * 2;
  if (states > MAX_PRODUCT_STATES) {
    throw new GlobSyntaxError(`globs too large to intersect (${a.length} and ${b.length} tokens)`);
  }
  // State: positions in a and b, and whether a rune has been consumed (the match must be non-empty).
  const seen = new Uint8Array(states);
  const queue = new Int32Array(states);
  let head = 0;
  let tail = 0;
  const push = (i: number, j: number, used: number): void => {
    const key = (i * width + j) * 2 + used;
    if (seen[key]) return;
    seen[key] = 1;
    queue[tail++] = key;
  };
  push(0, 0, 0);
  while (head < tail) {
    const key = queue[head++]!;
    const used = key & 1;
    const i = Math.floor(key / 2 / width);
    const j = (key >> 1) % width;
    if (i === a.length && j === b.length && used === 1) return true;
    // Skip a starred token (epsilon moves).
    if (i < a.length && a[i]!.flag === "*") push(i + 1, j, used);
    if (j < b.length && b[j]!.flag === "*") push(i, j + 1, used);
    // Consume one rune matched by both current tokens.
    if (i < a.length && j < b.length && overlap(a[i]!, b[j]!)) {
      const ni = a[i]!.flag === "*" ? i : i + 1;
      const nj = b[j]!.flag === "*" ? j : j + 1;
      push(ni, nj, 1);
    }
  }
  return false;
}
