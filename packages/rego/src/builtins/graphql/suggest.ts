/**
 * "Did you mean …?" suggestions as gqlparser words them (validator/suggestionList.go, messaging.go,
 * error.go): options within a lexical distance of floor(0.4 × len) + 1 of what was typed, closest
 * first, at most five, quoted and joined as `"a", "b", or "c"`.
 */

/** Levenshtein distance over code points (agnivade/levenshtein, which gqlparser uses). */
function levenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[t.length]!;
}

/** lexicalDistance: a change of case alone counts as one edit. */
function lexicalDistance(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la === lb ? 1 : levenshtein(la, lb);
}

/** SuggestionList: the options close enough to `input`, closest first (ties keep their order). */
export function suggestionList(input: string, options: readonly string[]): string[] {
  // calcThreshold uses the byte length of the Go string.
  const threshold = Math.max(1, Math.floor(new TextEncoder().encode(input).length * 0.4) + 1);
  const scored: [string, number][] = [];
  for (const o of options) {
    const d = lexicalDistance(input, o);
    if (d <= threshold) scored.push([o, d]);
  }
  return scored.sort((x, y) => x[1] - y[1]).map(([o]) => o);
}

/** OrList: "A", "A or B", "A, B, or C" over at most five items. */
export function orList(items: readonly string[]): string {
  const five = items.slice(0, 5);
  if (five.length === 2) return `${five[0]} or ${five[1]}`;
  return five.map((it, i) => (i === 0 ? it : i === five.length - 1 ? `, or ${it}` : `, ${it}`)).join("");
}

export const quotedOrList = (items: readonly string[]): string => orList(items.map((i) => `"${i}"`));

/** SuggestListQuoted: ` <prefix> "a" or "b"?` when anything is close enough, else nothing. */
export function suggestQuoted(prefix: string, typed: string, options: readonly string[]): string {
  const s = suggestionList(typed, options);
  return s.length > 0 ? ` ${prefix} ${quotedOrList(s)}?` : "";
}

/** SuggestListUnquoted. */
export function suggestUnquoted(prefix: string, typed: string, options: readonly string[]): string {
  const s = suggestionList(typed, options);
  return s.length > 0 ? ` ${prefix} ${orList(s)}?` : "";
}
