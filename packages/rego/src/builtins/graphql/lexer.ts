/**
 * GraphQL lexer (GraphQL spec §2.1) with the token kinds, positions and error texts of gqlparser's
 * lexer, which OPA's graphql.* builtins expose (internal/gqlparser/lexer).
 */
export type Kind =
  | "Invalid"
  | "EOF"
  | "!"
  | "$"
  | "&"
  | "("
  | ")"
  | "..."
  | ":"
  | "="
  | "@"
  | "["
  | "]"
  | "{"
  | "|"
  | "}"
  | "Name"
  | "Int"
  | "Float"
  | "String"
  | "BlockString";

export interface Token {
  kind: Kind;
  value: string;
  line: number;
  column: number;
}

/** A syntax error at a line and column, with gqlparser's message. */
export class GraphQLSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

/** Kind.String() in gqlparser: punctuators as themselves, EOF as "<EOF>", Invalid as "<Invalid>". */
export function kindText(k: Kind): string {
  if (k === "EOF") return "<EOF>";
  if (k === "Invalid") return "<Invalid>";
  return k;
}

/** Token.String(): the kind, plus the quoted value when there is one (`Name "foo"`). */
export function tokenText(t: Token): string {
  return t.value !== "" ? `${kindText(t.kind)} ${JSON.stringify(t.value)}` : kindText(t.kind);
}

const PUNCT = new Set(["!", "$", "&", "(", ")", ":", "=", "@", "[", "]", "{", "|", "}"]);

export class Lexer {
  readonly #src: string;
  /** Offsets in UTF-16 units; columns are counted in code points, as gqlparser counts runes. */
  #pos = 0;
  #line = 1;
  #lineStart = 0;

  constructor(src: string) {
    this.#src = src;
  }

  /** Last column computed, to count code points incrementally (tokens only move forward). */
  #colAt = 0;
  #colCount = 0;

  #column(at: number): number {
    let i = this.#lineStart;
    let n = 0;
    if (this.#colAt >= this.#lineStart && this.#colAt <= at) {
      i = this.#colAt;
      n = this.#colCount;
    }
    for (; i < at; i++) {
      const c = this.#src.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) n++;
    }
    this.#colAt = at;
    this.#colCount = n;
    return n + 1;
  }

  #token(kind: Kind, value: string, start: number): Token {
    return { kind, value, line: this.#line, column: this.#column(start) };
  }

  #error(message: string, at: number): GraphQLSyntaxError {
    return new GraphQLSyntaxError(message, this.#line, this.#column(at));
  }

  #skipIgnored(): void {
    const s = this.#src;
    while (this.#pos < s.length) {
      const c = s[this.#pos]!;
      if (c === "\t" || c === " " || c === "," || c === "\ufeff") this.#pos++;
      else if (c === "\n" || c === "\r") {
        this.#pos++;
        if (c === "\r" && s[this.#pos] === "\n") this.#pos++;
        this.#line++;
        this.#lineStart = this.#pos;
      } else if (c === "#") {
        while (this.#pos < s.length && s[this.#pos] !== "\n" && s[this.#pos] !== "\r") this.#pos++;
      } else return;
    }
  }

  /** The next token; lexical errors come back as an Invalid token plus the error (as gqlparser). */
  next(): { token: Token; error: GraphQLSyntaxError | undefined } {
    this.#skipIgnored();
    const s = this.#src;
    const start = this.#pos;
    if (start >= s.length) return { token: this.#token("EOF", "", start), error: undefined };
    const c = s[start]!;
    const ok = (t: Token): { token: Token; error: undefined } => ({ token: t, error: undefined });
    if (PUNCT.has(c)) {
      this.#pos++;
      return ok(this.#token(c as Kind, "", start));
    }
    if (c === "." && s.startsWith("...", start)) {
      this.#pos += 3;
      return ok(this.#token("...", "", start));
    }
    if (/[_A-Za-z]/.test(c)) {
      let end = start + 1;
      while (end < s.length && /[_0-9A-Za-z]/.test(s[end]!)) end++;
      this.#pos = end;
      return ok(this.#token("Name", s.slice(start, end), start));
    }
    if (c === "-" || (c >= "0" && c <= "9")) return this.#number(start);
    if (c === '"') return s.startsWith('"""', start) ? this.#blockString(start) : this.#string(start);
    const invalid = (message: string, at: number): { token: Token; error: GraphQLSyntaxError } => ({
      token: this.#token("Invalid", "", at),
      error: this.#error(message, at),
    });
    const code = c.charCodeAt(0);
    if (code < 0x20 && c !== "\t" && c !== "\n" && c !== "\r") {
      return invalid(`Cannot contain the invalid character "\\u${code.toString().padStart(4, "0")}"`, start);
    }
    if (c === "'")
      return invalid(`Unexpected single quote character ('), did you mean to use a double quote (")?`, start);
    return invalid(
      `Cannot parse the unexpected character "${String.fromCodePoint(s.codePointAt(start)!)}".`,
      start,
    );
  }

  #number(start: number): { token: Token; error: GraphQLSyntaxError | undefined } {
    const s = this.#src;
    let p = start;
    let float = false;
    const digits = (): number => {
      const from = p;
      while (p < s.length && s[p]! >= "0" && s[p]! <= "9") p++;
      return p - from;
    };
    const describe = (): string => (p < s.length ? `"${s[p]}"` : "<EOF>");
    const fail = (msg: string): { token: Token; error: GraphQLSyntaxError } => {
      this.#pos = p;
      return { token: this.#token("Invalid", "", p), error: this.#error(msg, p) };
    };
    if (s[p] === "-") p++;
    if (s[p] === "0") {
      p++;
      const save = p;
      if (digits() !== 0) {
        p = save;
        return fail(`Invalid number, unexpected digit after 0: ${describe()}.`);
      }
    } else if (digits() === 0) return fail(`Invalid number, expected digit but got: ${describe()}.`);
    if (s[p] === ".") {
      float = true;
      p++;
      if (digits() === 0) return fail(`Invalid number, expected digit but got: ${describe()}.`);
    }
    if (s[p] === "e" || s[p] === "E") {
      float = true;
      p++;
      if (s[p] === "-" || s[p] === "+") p++;
      if (digits() === 0) return fail(`Invalid number, expected digit but got: ${describe()}.`);
    }
    this.#pos = p;
    return { token: this.#token(float ? "Float" : "Int", s.slice(start, p), start), error: undefined };
  }

  #string(start: number): { token: Token; error: GraphQLSyntaxError | undefined } {
    const s = this.#src;
    let p = start + 1;
    let value = "";
    const fail = (msg: string, at: number): { token: Token; error: GraphQLSyntaxError } => {
      this.#pos = at;
      return { token: this.#token("Invalid", "", at), error: this.#error(msg, at) };
    };
    while (p < s.length) {
      const c = s[p]!;
      if (c === "\n" || c === "\r") break;
      const code = c.charCodeAt(0);
      if (code < 0x20 && c !== "\t")
        return fail(`Invalid character within String: "\\u${code.toString().padStart(4, "0")}".`, p);
      if (c === '"') {
        this.#pos = p + 1;
        return { token: this.#token("String", value, start + 1), error: undefined };
      }
      if (c === "\\") {
        const e = s[p + 1];
        if (e === undefined) return fail("Invalid character escape sequence.", p + 1);
        if (e === "u") {
          const hex = s.slice(p + 2, p + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex))
            return fail(`Invalid character escape sequence: \\${s.slice(p + 1, p + 6)}.`, p + 1);
          value += String.fromCharCode(parseInt(hex, 16));
          p += 6;
          continue;
        }
        const simple: Record<string, string> = {
          '"': '"',
          "/": "/",
          "\\": "\\",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (!(e in simple)) return fail(`Invalid character escape sequence: \\${e}.`, p + 1);
        value += simple[e];
        p += 2;
        continue;
      }
      value += c;
      p++;
    }
    return fail("Unterminated string.", p);
  }

  #blockString(start: number): { token: Token; error: GraphQLSyntaxError | undefined } {
    const s = this.#src;
    let p = start + 3;
    let raw = "";
    const line = this.#line;
    const column = this.#column(start + 3);
    while (p < s.length) {
      const c = s[p]!;
      if (s.startsWith('"""', p)) {
        this.#pos = p + 3;
        return {
          token: { kind: "BlockString", value: blockStringValue(raw), line, column },
          error: undefined,
        };
      }
      const code = c.charCodeAt(0);
      if (code < 0x20 && c !== "\t" && c !== "\n" && c !== "\r") {
        this.#pos = p;
        return {
          token: this.#token("Invalid", "", p),
          error: this.#error(`Invalid character within String: "\\u${code.toString().padStart(4, "0")}".`, p),
        };
      }
      if (s.startsWith('\\"""', p)) {
        raw += '"""';
        p += 4;
      } else if (c === "\r" || c === "\n") {
        if (c === "\r" && s[p + 1] === "\n") p++;
        raw += "\n";
        p++;
        this.#line++;
        this.#lineStart = p;
      } else {
        raw += c;
        p++;
      }
    }
    this.#pos = p;
    return { token: this.#token("Invalid", "", p), error: this.#error("Unterminated string.", p) };
  }
}

/** GraphQL spec §2.9.4 BlockStringValue: common indentation and blank first/last lines removed. */
function blockStringValue(raw: string): string {
  const lines = raw.split("\n");
  let common: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const indent = l.length - l.replace(/^[ \t]+/, "").length;
    if (indent < l.length && (common === undefined || indent < common)) common = indent;
  }
  if (common) for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(common);
  while (lines.length && /^[ \t]*$/.test(lines[0]!)) lines.shift();
  while (lines.length && /^[ \t]*$/.test(lines[lines.length - 1]!)) lines.pop();
  return lines.join("\n");
}
