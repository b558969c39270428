/**
 * The error text Go's encoding/json Decoder gives for malformed input, as OPA's json.unmarshal reports
 * it (v1/util/json.go unmarshalJSON): scanner messages such as "invalid character 'x' looking for
 * beginning of value", "unexpected EOF" for truncated input, "EOF" for empty input, and OPA's own
 * "error: invalid character '…' after top-level value" for a second value. Only called once JSON.parse
 * has already rejected the text, so it favours clarity over speed.
 */

/** Go's quoteChar (encoding/json scanner.go). */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c).slice(1, -1);
  return `'${q}'`;
}

class Syntax extends Error {}
class Truncated extends Error {}

const WS = new Set([" ", "\t", "\n", "\r"]);

/** A recursive-descent scanner with Go's error contexts (callers catch RangeError on absurd nesting). */
class Scanner {
  i = 0;
  readonly s: string;

  constructor(s: string) {
    this.s = s;
  }

  ws(): void {
    while (this.i < this.s.length && WS.has(this.s[this.i]!)) this.i++;
  }

  peek(): string {
    if (this.i >= this.s.length) throw new Truncated();
    return this.s[this.i]!;
  }

  fail(c: string, context: string): never {
    throw new Syntax(`invalid character ${quoteChar(c)} ${context}`);
  }

  value(): void {
    this.ws();
    const c = this.peek();
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    if (c === "t") return this.literal("true");
    if (c === "f") return this.literal("false");
    if (c === "n") return this.literal("null");
    this.fail(c, "looking for beginning of value");
  }

  object(): void {
    this.i++;
    this.ws();
    if (this.peek() === "}") {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.peek() !== '"') this.fail(this.peek(), "looking for beginning of object key string");
      this.string();
      this.ws();
      if (this.peek() !== ":") this.fail(this.peek(), "after object key");
      this.i++;
      this.value();
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === "}") return;
      if (c !== ",") this.fail(c, "after object key:value pair");
    }
  }

  array(): void {
    this.i++;
    this.ws();
    if (this.peek() === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === "]") return;
      if (c !== ",") this.fail(c, "after array element");
    }
  }

  string(): void {
    this.i++;
    for (;;) {
      const c = this.peek();
      this.i++;
      if (c === '"') return;
      if (c === "\\") {
        const e = this.peek();
        this.i++;
        if (e === "u") {
          for (let k = 0; k < 4; k++) {
            const h = this.peek();
            if (!/[0-9a-fA-F]/.test(h)) this.fail(h, "in \\u hexadecimal character escape");
            this.i++;
          }
        } else if (!'"\\/bfnrt'.includes(e)) this.fail(e, "in string escape code");
      } else if (c < " ") this.fail(c, "in string literal");
    }
  }

  digits(context: string): void {
    const c = this.peek();
    if (c < "0" || c > "9") this.fail(c, context);
    while (this.i < this.s.length && this.s[this.i]! >= "0" && this.s[this.i]! <= "9") this.i++;
  }

  number(): void {
    if (this.s[this.i] === "-") this.i++;
    if (this.peek() === "0") this.i++;
    else this.digits("in numeric literal");
    if (this.s[this.i] === ".") {
      this.i++;
      this.digits("after decimal point in numeric literal");
    }
    if (this.s[this.i] === "e" || this.s[this.i] === "E") {
      this.i++;
      if (this.s[this.i] === "+" || this.s[this.i] === "-") this.i++;
      this.digits("in exponent of numeric literal");
    }
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      const c = this.peek();
      if (c !== word[k]) this.fail(c, `in literal ${word} (expecting ${quoteChar(word[k]!)})`);
      this.i++;
    }
  }
}

/** The message Go's decoder (and OPA) would give for `text`, or undefined if it is valid JSON. */
export function goJSONDecodeError(text: string): string | undefined {
  const sc = new Scanner(text);
  sc.ws();
  if (sc.i >= text.length) return "EOF";
  const scalar = !"{[".includes(text[sc.i]!);
  try {
    sc.value();
  } catch (e) {
    if (e instanceof Truncated) return "unexpected EOF";
    if (e instanceof Syntax) return e.message;
    throw e;
  }
  // The decoder needs one more byte to end a scalar: a non-space one there is a scanner error.
  if (scalar && sc.i < text.length && !WS.has(text[sc.i]!)) {
    return `invalid character ${quoteChar(text[sc.i]!)} after top-level value`;
  }
  sc.ws();
  if (sc.i >= text.length) return undefined;
  // A second top-level value: OPA reads its first token (util.UnmarshalJSON) and names it.
  const rest = new Scanner(text.slice(sc.i));
  const c = text[sc.i]!;
  if ("{}[],:".includes(c)) return `error: invalid character '${c}' after top-level value`;
  try {
    rest.value();
  } catch (e) {
    if (e instanceof Syntax) return e.message;
    if (e instanceof Truncated) return "unexpected EOF";
    throw e;
  }
  const token = text.slice(sc.i, sc.i + rest.i);
  return `error: invalid character '${c === '"' ? (JSON.parse(token) as string) : token}' after top-level value`;
}
