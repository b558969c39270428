/**
 * The Rego lexer: a hand-written scanner over char codes, modelled on OPA's v1/ast/internal/scanner.
 *
 * It scans one token at a time on demand (the parser backtracks by saving and restoring the scanner
 * position, and template strings need a context-sensitive continuation scan). Identifiers are never
 * classified as keywords here: which words are keywords depends on the Rego version and on the
 * module's `future.keywords` / `rego.v1` imports, so the parser decides.
 *
 * Whitespace is not a token. Instead each token records whether whitespace preceded it (`ws`) and
 * whether that whitespace held a newline (`nl`): OPA's parser only continues a ref (`a.b`, `a[b]`,
 * `f(x)`) when no whitespace separates the parts, and accepts a newline as a statement separator.
 */

/** Token kinds (a const object rather than an enum: the project uses erasable TypeScript only). */
export const Tok = {
  EOF: 0,
  Ident: 1,
  Number: 2,
  String: 3, // "..." (lit: the raw text including quotes)
  RawString: 4, // `...` (lit: the raw text including backquotes)
  TemplatePart: 5, // $"...{  or  }...{   (lit: the decoded text between the delimiters)
  TemplateEnd: 6, // $"..."  or  }..."
  LBrack: 7,
  RBrack: 8,
  LBrace: 9,
  RBrace: 10,
  LParen: 11,
  RParen: 12,
  Comma: 13,
  Colon: 14,
  Semicolon: 15,
  Dot: 16,
  Add: 17,
  Sub: 18,
  Mul: 19,
  Quo: 20,
  Rem: 21,
  And: 22,
  Or: 23,
  Unify: 24, // =
  Equal: 25, // ==
  Assign: 26, // :=
  Neq: 27,
  Gt: 28,
  Lt: 29,
  Gte: 30,
  Lte: 31,
  Illegal: 32,
} as const;
export type TokKind = (typeof Tok)[keyof typeof Tok];

/**
 * How OPA names each token in error messages ("unexpected } token", "unexpected eq token"); the
 * operator names are also the builtin names an infix operator calls (v1/ast/internal/tokens).
 */
export const TOKEN_NAMES: readonly string[] = [
  "eof",
  "identifier",
  "number",
  "string",
  "string",
  "template-string-part",
  "template-string-end",
  "[",
  "]",
  "{",
  "}",
  "(",
  ")",
  ",",
  ":",
  ";",
  ".",
  "plus",
  "minus",
  "mul",
  "div",
  "rem",
  "and",
  "or",
  "eq",
  "equal",
  "assign",
  "neq",
  "gt",
  "lt",
  "gte",
  "lte",
  "illegal",
];

export interface Token {
  readonly kind: TokKind;
  /** Identifier/number text, raw string literal text, or decoded template-string part. */
  readonly lit: string;
  /** Offset (UTF-16 code units) of the first character, and one past the last. */
  readonly start: number;
  readonly end: number;
  /** 1-based line and column (columns count code points, as OPA counts runes). */
  readonly row: number;
  readonly col: number;
  /** Whitespace (or a comment) came between the previous token and this one. */
  readonly ws: boolean;
  /** That whitespace contained a newline. */
  readonly nl: boolean;
  /** For Illegal tokens: why. */
  readonly error?: string;
}

export interface Comment {
  /** The text after `#`. */
  text: string;
  row: number;
  col: number;
}

/** Scanner position, saved and restored by the parser when it backtracks. */
export interface LexPos {
  i: number;
  row: number;
  col: number;
}

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_BANG = 33;
const CH_DQUOTE = 34;
const CH_HASH = 35;
const CH_DOLLAR = 36;
const CH_PERCENT = 37;
const CH_AMP = 38;
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_STAR = 42;
const CH_PLUS = 43;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_SLASH = 47;
const CH_0 = 48;
const CH_9 = 57;
const CH_COLON = 58;
const CH_SEMI = 59;
const CH_LT = 60;
const CH_EQ = 61;
const CH_GT = 62;
const CH_LBRACK = 91;
const CH_BACKSLASH = 92;
const CH_RBRACK = 93;
const CH_UNDERSCORE = 95;
const CH_BACKQUOTE = 96;
const CH_LBRACE = 123;
const CH_PIPE = 124;
const CH_RBRACE = 125;
const CH_BOM = 0xfeff;

function isLetter(c: number): boolean {
  // OPA: ASCII letters and '_' only (scanner.go isLetter).
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === CH_UNDERSCORE;
}

function isDecimal(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

export class Lexer {
  readonly src: string;
  private i = 0;
  private row = 1;
  private col = 1;
  /**
   * Comments seen so far, by offset (the parser backtracks, so the same comment may be scanned
   * again). Used for `# METADATA` annotations.
   */
  readonly comments = new Map<number, Comment>();
  /** A comment holding a NUL, reported as the next token. */
  private badComment: { i: number; row: number; col: number } | null = null;

  constructor(src: string) {
    this.src = src;
    // A leading byte-order mark is skipped, as OPA does.
    if (src.charCodeAt(0) === CH_BOM) this.i = 1;
  }

  save(): LexPos {
    return { i: this.i, row: this.row, col: this.col };
  }

  restore(p: LexPos): void {
    this.i = p.i;
    this.row = p.row;
    this.col = p.col;
  }

  /** Skips whitespace and comments; returns [sawWhitespace, sawNewline]. */
  private skipSpace(): number {
    const s = this.src;
    let flags = 0;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === CH_SPACE || c === CH_TAB || c === CH_CR) {
        this.i++;
        this.col++;
        flags |= 1;
      } else if (c === CH_LF) {
        this.i++;
        this.row++;
        this.col = 1;
        flags |= 3;
      } else if (c === CH_HASH) {
        const at = { i: this.i, row: this.row, col: this.col };
        while (this.i < s.length && s.charCodeAt(this.i) !== CH_LF) this.advance();
        flags |= 1;
        if (!this.comments.has(at.i)) {
          // OPA's comment text: after the `#`, without a carriage return before the newline
          let end = this.i;
          if (end > at.i + 1 && s.charCodeAt(end - 1) === CH_CR) end--;
          this.comments.set(at.i, { text: s.slice(at.i + 1, end), row: at.row, col: at.col });
        }
        // OPA's scanner rejects a NUL anywhere, comments included: the comment becomes an error token.
        if (s.slice(at.i, this.i).includes("\0")) {
          this.badComment = at;
          return flags;
        }
      } else {
        return flags;
      }
    }
  }

  /** Advances one code point, keeping row/col. */
  private advance(): void {
    const c = this.src.charCodeAt(this.i);
    if (c === CH_LF) {
      this.i++;
      this.row++;
      this.col = 1;
      return;
    }
    // A surrogate pair is one column (OPA counts runes).
    this.i += c >= 0xd800 && c <= 0xdbff && this.i + 1 < this.src.length ? 2 : 1;
    this.col++;
  }

  private tok(
    kind: TokKind,
    lit: string,
    start: number,
    row: number,
    col: number,
    flags: number,
    error?: string,
  ): Token {
    return {
      kind,
      lit,
      start,
      end: this.i,
      row,
      col,
      ws: (flags & 1) !== 0,
      nl: (flags & 2) !== 0,
      ...(error !== undefined ? { error } : {}),
    };
  }

  /** Scans the next token. */
  next(): Token {
    const flags = this.skipSpace();
    const bad = this.badComment;
    if (bad !== null) {
      this.badComment = null;
      return this.tok(Tok.Illegal, "", bad.i, bad.row, bad.col, flags, "illegal null character");
    }
    const s = this.src;
    const start = this.i;
    const row = this.row;
    const col = this.col;
    if (start >= s.length) return this.tok(Tok.EOF, "", start, row, col, flags);
    const c = s.charCodeAt(start);

    if (isLetter(c)) {
      let j = start + 1;
      for (;;) {
        const d = s.charCodeAt(j);
        if (isLetter(d) || isDecimal(d)) j++;
        else break;
      }
      this.col += j - start;
      this.i = j;
      return this.tok(Tok.Ident, s.slice(start, j), start, row, col, flags);
    }
    if (isDecimal(c)) return this.scanNumber(start, row, col, flags);

    this.i++;
    this.col++;
    const n = s.charCodeAt(this.i);
    switch (c) {
      case CH_DQUOTE:
        return this.scanString(start, row, col, flags);
      case CH_BACKQUOTE:
        return this.scanRawString(start, row, col, flags);
      case CH_LBRACK:
        return this.tok(Tok.LBrack, "[", start, row, col, flags);
      case CH_RBRACK:
        return this.tok(Tok.RBrack, "]", start, row, col, flags);
      case CH_LBRACE:
        return this.tok(Tok.LBrace, "{", start, row, col, flags);
      case CH_RBRACE:
        return this.tok(Tok.RBrace, "}", start, row, col, flags);
      case CH_LPAREN:
        return this.tok(Tok.LParen, "(", start, row, col, flags);
      case CH_RPAREN:
        return this.tok(Tok.RParen, ")", start, row, col, flags);
      case CH_COMMA:
        return this.tok(Tok.Comma, ",", start, row, col, flags);
      case CH_SEMI:
        return this.tok(Tok.Semicolon, ";", start, row, col, flags);
      case CH_DOT:
        return this.tok(Tok.Dot, ".", start, row, col, flags);
      case CH_PLUS:
        return this.tok(Tok.Add, "+", start, row, col, flags);
      case CH_MINUS:
        return this.tok(Tok.Sub, "-", start, row, col, flags);
      case CH_STAR:
        return this.tok(Tok.Mul, "*", start, row, col, flags);
      case CH_SLASH:
        return this.tok(Tok.Quo, "/", start, row, col, flags);
      case CH_PERCENT:
        return this.tok(Tok.Rem, "%", start, row, col, flags);
      case CH_AMP:
        return this.tok(Tok.And, "&", start, row, col, flags);
      case CH_PIPE:
        return this.tok(Tok.Or, "|", start, row, col, flags);
      case CH_COLON:
        if (n === CH_EQ) return this.two(Tok.Assign, ":=", start, row, col, flags);
        return this.tok(Tok.Colon, ":", start, row, col, flags);
      case CH_EQ:
        if (n === CH_EQ) return this.two(Tok.Equal, "==", start, row, col, flags);
        return this.tok(Tok.Unify, "=", start, row, col, flags);
      case CH_GT:
        if (n === CH_EQ) return this.two(Tok.Gte, ">=", start, row, col, flags);
        return this.tok(Tok.Gt, ">", start, row, col, flags);
      case CH_LT:
        if (n === CH_EQ) return this.two(Tok.Lte, "<=", start, row, col, flags);
        return this.tok(Tok.Lt, "<", start, row, col, flags);
      case CH_BANG:
        if (n === CH_EQ) return this.two(Tok.Neq, "!=", start, row, col, flags);
        return this.tok(Tok.Illegal, "!", start, row, col, flags, "illegal ! character");
      case CH_DOLLAR:
        if (n === CH_DQUOTE || n === CH_BACKQUOTE) {
          this.i++;
          this.col++;
          return this.scanTemplate(n === CH_BACKQUOTE, start, row, col, flags);
        }
        return this.tok(Tok.Illegal, "$", start, row, col, flags, "illegal $ character");
      default: {
        if (c === 0) return this.tok(Tok.Illegal, "", start, row, col, flags, "illegal null character");
        if (c === CH_BOM) return this.tok(Tok.Illegal, "", start, row, col, flags, "illegal byte-order mark");
        if (c >= 0xd800 && c <= 0xdbff) this.i++;
        // Any other character starts no token. OPA's scanner records no error for it; the parser then
        // reports "illegal token" where it meets it.
        return this.tok(Tok.Illegal, s.slice(start, this.i), start, row, col, flags);
      }
    }
  }

  private two(kind: TokKind, lit: string, start: number, row: number, col: number, flags: number): Token {
    this.i++;
    this.col++;
    return this.tok(kind, lit, start, row, col, flags);
  }

  /** OPA scanNumber: digits [. digits] [e [+-] digits]; letters glued on make it illegal. */
  private scanNumber(start: number, row: number, col: number, flags: number): Token {
    const s = this.src;
    let j = start;
    let error: string | undefined;
    while (isDecimal(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) === CH_DOT) {
      j++;
      const f = j;
      while (isDecimal(s.charCodeAt(j))) j++;
      if (j === f) error = "expected fraction";
    }
    const e = s.charCodeAt(j) | 0x20;
    if (e === 101) {
      j++;
      const sign = s.charCodeAt(j);
      if (sign === CH_PLUS || sign === CH_MINUS) j++;
      const f = j;
      while (isDecimal(s.charCodeAt(j))) j++;
      if (j === f) error ??= "expected exponent";
    }
    if (isLetter(s.charCodeAt(j))) {
      error ??= "illegal number format";
      while (isLetter(s.charCodeAt(j)) || isDecimal(s.charCodeAt(j))) j++;
    }
    this.col += j - start;
    this.i = j;
    const lit = s.slice(start, j);
    return this.tok(error ? Tok.Illegal : Tok.Number, lit, start, row, col, flags, error);
  }

  /** A double-quoted string; escapes are validated here and decoded by the parser (JSON rules). */
  private scanString(start: number, row: number, col: number, flags: number): Token {
    const s = this.src;
    let error: string | undefined;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === CH_LF || this.i >= s.length) {
        error = "non-terminated string";
        break;
      }
      this.advance();
      if (c === CH_DQUOTE) break;
      if (c === 0) error ??= "illegal null character";
      if (c === CH_BACKSLASH) {
        const d = s.charCodeAt(this.i);
        if (isSimpleEscape(d)) this.advance();
        else if (d === 117 /* u */)
          // OPA steps over `u` and three more characters; the fourth is scanned as usual.
          for (let k = 0; k < 4 && this.i < s.length && s.charCodeAt(this.i) !== CH_LF; k++) this.advance();
        else error ??= "illegal escape sequence";
      }
    }
    const lit = s.slice(start, this.i);
    return this.tok(error ? Tok.Illegal : Tok.String, lit, start, row, col, flags, error);
  }

  private scanRawString(start: number, row: number, col: number, flags: number): Token {
    const s = this.src;
    const close = s.indexOf("`", this.i);
    if (close < 0) {
      while (this.i < s.length) this.advance();
      return this.tok(Tok.Illegal, s.slice(start), start, row, col, flags, "non-terminated string");
    }
    while (this.i <= close) this.advance();
    const lit = s.slice(start, this.i);
    if (lit.includes("\0"))
      return this.tok(Tok.Illegal, lit, start, row, col, flags, "illegal null character");
    return this.tok(Tok.RawString, lit, start, row, col, flags);
  }

  /**
   * Continues a template string after the `}` that closed an embedded expression. The parser calls
   * this instead of next() when the current token is that `}`.
   */
  continueTemplate(raw: boolean): Token {
    const start = this.i - 1;
    return this.scanTemplate(raw, start, this.row, this.col - 1, 0);
  }

  /**
   * Scans a template-string part up to `{` (TemplatePart) or the closing quote (TemplateEnd).
   * `\{` is a literal brace; other escapes follow JSON (double-quoted form only).
   */
  private scanTemplate(raw: boolean, start: number, row: number, col: number, flags: number): Token {
    const s = this.src;
    const close = raw ? CH_BACKQUOTE : CH_DQUOTE;
    let out = "";
    let from = this.i;
    let kind: TokKind = Tok.TemplatePart;
    let error: string | undefined;
    let end: number;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (this.i >= s.length || (!raw && c === CH_LF)) {
        error = "non-terminated string";
        end = this.i;
        break;
      }
      if (c === close) {
        end = this.i;
        this.advance();
        kind = Tok.TemplateEnd;
        break;
      }
      if (c === CH_LBRACE) {
        end = this.i;
        this.advance();
        break;
      }
      if (c === CH_BACKSLASH) {
        const d = s.charCodeAt(this.i + 1);
        if (d === CH_LBRACE) {
          out += s.slice(from, this.i);
          this.advance();
          from = this.i; // keep the `{`, drop the backslash
          this.advance();
          continue;
        }
        if (!raw) {
          this.advance();
          if (isSimpleEscape(d)) this.advance();
          else if (d === 117)
            // OPA steps over `u` and three more characters; the fourth is scanned as usual.
            for (let k = 0; k < 4 && this.i < s.length && s.charCodeAt(this.i) !== CH_LF; k++) this.advance();
          else error ??= "illegal escape sequence";
          continue;
        }
      }
      this.advance();
    }
    out += s.slice(from, end);
    if (error) return this.tok(Tok.Illegal, out, start, row, col, flags, error);
    if (!raw && out.includes("\\")) {
      try {
        out = JSON.parse(`"${out}"`) as string;
      } catch {
        return this.tok(Tok.Illegal, out, start, row, col, flags, `illegal template-string part: ${out}`);
      }
    }
    return this.tok(kind, out, start, row, col, flags);
  }
}

function isSimpleEscape(d: number): boolean {
  // \\ \" \/ \b \f \n \r \t (JSON)
  return (
    d === CH_BACKSLASH ||
    d === CH_DQUOTE ||
    d === CH_SLASH ||
    d === 98 ||
    d === 102 ||
    d === 110 ||
    d === 114 ||
    d === 116
  );
}
