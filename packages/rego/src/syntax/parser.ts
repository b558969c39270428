/**
 * The Rego parser: recursive descent with backtracking, following OPA's v1/ast/parser.go closely so
 * that the same texts are accepted, produce the same trees and fail with the same messages.
 *
 * Conventions mirrored from OPA:
 * - each parse function leaves `tok` on the token after what it consumed, except the bracketed-term
 *   parsers (array, set/object, template) which stop on their closing token, for parseTermFinish;
 * - failures record an error and return null; callers may backtrack with save()/restore(), which also
 *   drops the errors recorded since the save;
 * - a ref continues (`.x`, `[x]`, `(args)`) only when no whitespace precedes the next token;
 * - keywords depend on version and imports; any keyword followed directly by `.` or `[` is a ref head
 *   (feature keywords_in_refs) and any identifier may follow a `.`.
 * Successfully parsed terms are memoised by offset, as OPA does, so backtracking stays linear.
 */
import type {
  Body,
  Expr,
  Location,
  RefTerm,
  RegoVersion,
  Term,
  VarTerm,
  With,
  CallTerm,
  ObjectTerm,
  TemplateStringTerm,
} from "./ast.ts";
import { Lexer, Tok, TOKEN_NAMES, type Comment, type LexPos, type Token } from "./lexer.ts";
import { RegoParseError } from "./parse-error.ts";
import { parseNumberText } from "./numbers.ts";
import { refToString } from "./printer.ts";

/** Always keywords (v1/ast/internal/tokens keywords). */
export const BASE_KEYWORDS: ReadonlySet<string> = new Set([
  "package",
  "import",
  "as",
  "default",
  "else",
  "not",
  "some",
  "with",
  "null",
  "true",
  "false",
]);

/** Keywords that v0 modules import from `future.keywords` and v1 has built in. */
export const FUTURE_KEYWORDS_V0: readonly string[] = ["contains", "every", "if", "in"];

/**
 * Recursion guard: OPA allows 100,000 nested parser calls on Go's growable stacks; a JS stack holds
 * far fewer frames, so the limit here is lower (each nesting level of `[` costs ~2, of `(` ~8).
 */
export const MAX_PARSE_DEPTH = 2_000;

interface State {
  pos: LexPos;
  tok: Token;
  nerr: number;
  hints: readonly string[];
}

interface PendingError {
  msg: string;
  row: number;
  col: number;
  offset: number;
}

/** A parse failure that must end parsing at once (recursion limit). */
class AbortParse extends Error {}

export class Parser {
  readonly file: string;
  readonly src: string;
  readonly version: RegoVersion;
  private readonly lex: Lexer;
  tok: Token;
  errors: PendingError[] = [];
  /** Hints waiting for the next error. */
  private hints: readonly string[] = [];
  /** Active future keywords (`in`, `every`, `contains`, `if`, and experimental ones once imported). */
  keywords: Set<string>;
  private depth = 0;
  protected cacheEnabled = true;
  /**
   * parseTerm results by start offset, failures included (with the errors they recorded), as OPA's
   * parsedTermCache: backtracking re-parses the same offsets, which is exponential in nesting
   * depth without it (e.g. `{a: b | {a: b | …`).
   */
  private readonly cache = new Map<number, { term: Term | null; post: State; errors: PendingError[] }>();
  /** Whether `import rego.v1` appeared (v0 module that must also be valid v1). */
  regoV1Import = false;

  constructor(src: string, file: string, version: RegoVersion) {
    this.src = src;
    this.file = file;
    this.version = version;
    this.lex = new Lexer(src);
    this.keywords = new Set(version === "v1" ? FUTURE_KEYWORDS_V0 : []);
    this.tok = this.lex.next();
    this.noteIllegal();
  }

  // ------------------------------------------------------------------------------------------ plumbing

  loc(t: Token = this.tok): Location {
    return { file: this.file, row: t.row, col: t.col };
  }

  /** Scanner errors are recorded when the token is scanned, as OPA's doScan does. */
  private noteIllegal(): void {
    if (this.tok.error !== undefined) this.errorAt(this.tok, this.tok.error);
  }

  /** Advances to the next token. */
  scan(): void {
    this.tok = this.lex.next();
    this.noteIllegal();
  }

  /** Every comment in the source, in order. */
  comments(): Comment[] {
    return [...this.lex.comments.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }

  /** Forgets memoised terms (at statement boundaries: backtracking never crosses one). */
  clearCache(): void {
    this.cache.clear();
  }

  save(): State {
    return {
      pos: this.lex.save(),
      tok: this.tok,
      nerr: this.errors.length,
      hints: this.hints,
    };
  }

  restore(s: State): void {
    this.lex.restore(s.pos);
    this.tok = s.tok;
    this.errors.length = s.nerr;
    this.hints = s.hints;
  }

  /** The token after `tok`, without consuming anything. */
  private peek(): Token {
    const p = this.lex.save();
    const t = this.lex.next();
    this.lex.restore(p);
    return t;
  }

  private enter(): void {
    if (++this.depth > MAX_PARSE_DEPTH) {
      this.errorAt(this.tok, "max parsing recursion depth exceeded");
      throw new AbortParse();
    }
  }

  private leave(): void {
    this.depth--;
  }

  errorAt(t: { row: number; col: number; start?: number }, msg: string): void {
    this.errors.push({ msg: this.withHints(msg), row: t.row, col: t.col, offset: t.start ?? 0 });
  }

  errorAtLoc(l: Location, msg: string): void {
    this.errors.push({
      msg: this.withHints(msg),
      row: l.row,
      col: l.col,
      offset: offsetOf(this.src, l.row, l.col),
    });
  }

  /** Remembers advice for the next error (OPA p.hint), e.g. a missing future-keyword import. */
  hint(h: string): void {
    this.hints = [...this.hints, h];
  }

  private withHints(msg: string): string {
    const h = this.hints;
    if (h.length === 0) return msg;
    this.hints = [];
    return `${msg} (${h.length === 1 ? "hint" : "hints"}: ${h.join(", ")})`;
  }

  /** OPA's illegal(): "unexpected <tok> token|keyword[: note]". */
  illegal(note = ""): void {
    const t = this.tok;
    if (t.kind === Tok.Illegal) {
      this.errorAt(t, "illegal token");
      return;
    }
    const kw = this.kwOf(t);
    const name = kw ?? (t.kind === Tok.Ident ? "identifier" : TOKEN_NAMES[t.kind]!);
    const kind = kw !== null ? "keyword" : "token";
    this.errorAt(t, note ? `unexpected ${name} ${kind}: ${note}` : `unexpected ${name} ${kind}`);
  }

  toErrors(): RegoParseError[] {
    return this.errors.map(
      (e) => new RegoParseError(e.msg, { file: this.file, row: e.row, col: e.col }, this.src, e.offset),
    );
  }

  /** Runs `f`, converting the recursion-limit abort and JS stack exhaustion into recorded errors. */
  guard<T>(f: () => T): T | null {
    try {
      return f();
    } catch (e) {
      if (e instanceof AbortParse) return null;
      if (e instanceof RangeError) {
        this.errors.push({
          msg: "max parsing recursion depth exceeded",
          row: this.tok.row,
          col: this.tok.col,
          offset: this.tok.start,
        });
        return null;
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------------ keywords

  /** The keyword `t` is, or null for an identifier (or a keyword demoted to one). */
  kwOf(t: Token): string | null {
    if (t.kind !== Tok.Ident || demoted.has(t)) return null;
    if (BASE_KEYWORDS.has(t.lit) || this.keywords.has(t.lit)) return t.lit;
    return null;
  }

  isKw(word: string, t: Token = this.tok): boolean {
    return t.kind === Tok.Ident && t.lit === word && this.kwOf(t) === word;
  }

  /** A plain identifier (not an active keyword). */
  isIdent(t: Token = this.tok): boolean {
    return t.kind === Tok.Ident && this.kwOf(t) === null;
  }

  /** Treats the current keyword token as an identifier from now on. */
  demote(): void {
    if (this.k() === Tok.Ident && this.kwOf(this.tok) !== null) {
      const t = { ...this.tok };
      demoted.add(t);
      this.tok = t;
    }
  }

  addKeyword(kw: string): void {
    this.keywords.add(kw);
    // importing `every` also imports `in` (scanner.AddKeyword)
    if (kw === "every") this.keywords.add("in");
  }

  /** OPA scanAheadRef: a keyword directly followed by `.` or `[` starts a ref. */
  scanAheadRef(): boolean {
    if (this.kwOf(this.tok) !== null) {
      const n = this.peek();
      if (!n.ws && (n.kind === Tok.Dot || n.kind === Tok.LBrack)) {
        this.demote();
        return true;
      }
    }
    return false;
  }

  /** The current token's kind (a method, so TypeScript does not narrow it across scans). */
  k(): number {
    return this.tok.kind;
  }

  // ------------------------------------------------------------------------------------------ bodies

  parseBody(end: number): Body | null {
    this.enter();
    try {
      return this.parseQuery(false, end);
    } finally {
      this.leave();
    }
  }

  parseQuery(requireSemi: boolean, end: number): Body | null {
    const body: Body = [];
    if (this.k() === end) {
      this.errorAt(this.tok, "found empty body");
      return null;
    }
    for (;;) {
      const expr = this.parseLiteral();
      if (expr === null) return null;
      body.push(expr);
      if (this.k() === Tok.Semicolon) {
        this.scan();
        continue;
      }
      if (this.k() === end || requireSemi) return body;
      if (!this.tok.nl) {
        if (this.errors.length === 0) this.illegal(`expected \\n or ; or ${TOKEN_NAMES[end]}`);
        return null;
      }
    }
  }

  parseLiteral(): Expr | null {
    const loc = this.loc();
    const expr = this.logicEnabled() ? this.parseLogicLiteral() : this.parseLiteralInner();
    if (expr !== null) expr.loc = loc;
    return expr;
  }

  // ------------------------------------------------------------------------------------------ and/or/not { }

  /** The experimental `and`/`or` operators or the `not { … }` form have been imported. */
  private logicEnabled(): boolean {
    return this.keywords.has("and") || this.keywords.has("or") || this.keywords.has("not");
  }

  /** A literal under the logic grammar; without `and`/`or` it is exactly the standard literal. */
  private parseLogicLiteral(): Expr | null {
    const expr = this.parseLogicOr();
    if (expr === null) return null;
    if (this.isKw("with")) {
      const withs = this.parseWith();
      if (withs === null) return null;
      expr.with.push(...withs);
    }
    return expr;
  }

  private parseLogicOr(): Expr | null {
    let lhs = this.parseLogicAnd(true);
    while (lhs !== null && this.isKw("or")) {
      this.scan();
      const rhs = this.parseLogicAnd(false);
      if (rhs === null) return null;
      lhs = mkExpr({ type: "logic", op: "or", left: lhs, right: rhs }, lhs.loc);
    }
    return lhs;
  }

  private parseLogicAnd(first: boolean): Expr | null {
    let lhs = this.parseLogicUnary(first ? "start" : "operand");
    while (lhs !== null && this.isKw("and")) {
      this.scan();
      const rhs = this.parseLogicUnary("operand");
      if (rhs === null) return null;
      lhs = mkExpr({ type: "logic", op: "and", left: lhs, right: rhs }, lhs.loc);
    }
    return lhs;
  }

  /**
   * One operand: `not` operand, a braced query, a parenthesised group, `some`/`every`, or an
   * expression (without `with`, which belongs to the whole chain). `ctx` says what precedes it: at the
   * start of a literal a braced operand must be followed by `and`/`or` (else `{…}` is a set literal).
   */
  private parseLogicUnary(ctx: "start" | "operand" | "not"): Expr | null {
    this.enter();
    try {
      const loc = this.loc();
      if (this.scanAheadRef()) return this.parseExpr();
      if (this.isKw("not")) {
        this.scan();
        if (this.isKw("some") || this.isKw("every")) {
          this.illegal(`illegal negation of '${this.tok.lit}'`);
          return null;
        }
        const inner = this.parseLogicUnary("not");
        if (inner === null) return null;
        if (!inner.negated && inner.with.length === 0 && inner.body.type !== "logic") {
          inner.negated = true;
          inner.loc = loc;
          return inner;
        }
        // `not not x`, `not (a or b)`: the negation of a query holding the operand
        return { body: { type: "query", query: [inner] }, negated: true, with: [], loc };
      }
      if (this.isKw("some")) return this.parseSome();
      if (this.isKw("every")) return this.parseEvery();
      if (this.k() === Tok.LBrace) {
        const q = this.tryBracedQuery(ctx, loc);
        if (q !== null) return q;
      }
      if (this.k() === Tok.LParen) {
        const s = this.save();
        const e = this.parseExpr();
        if (e !== null) return e;
        this.restore(s);
        this.scan();
        const g = this.parseLogicLiteral();
        if (g === null) return null;
        if (this.k() !== Tok.RParen) {
          this.errorAt(this.tok, "non-terminated expression");
          return null;
        }
        this.scan();
        return g;
      }
      return this.parseExpr();
    } finally {
      this.leave();
    }
  }

  private tryBracedQuery(ctx: "start" | "operand" | "not", loc: Location): Expr | null {
    if (ctx === "not" && !this.keywords.has("not")) return null;
    const s = this.save();
    this.scan();
    const query = this.parseBody(Tok.RBrace);
    if (query !== null) {
      this.scan();
      const k = this.k();
      const ends =
        this.isKw("and") ||
        this.isKw("or") ||
        (ctx !== "start" &&
          (this.tok.nl ||
            this.isKw("with") ||
            k === Tok.RParen ||
            k === Tok.RBrace ||
            k === Tok.RBrack ||
            k === Tok.Semicolon ||
            k === Tok.EOF));
      if (ends) return { body: { type: "query", query }, negated: false, with: [], loc };
    }
    this.restore(s);
    return null;
  }

  private parseLiteralInner(): Expr | null {
    if (this.scanAheadRef()) return this.parseLiteralExpr(false);
    let negated = false;
    if (this.isKw("not")) {
      this.scan();
      negated = true;
    }
    if (this.isKw("some")) {
      if (negated) {
        this.illegal("illegal negation of 'some'");
        return null;
      }
      return this.parseSome();
    }
    if (this.isKw("every")) {
      if (negated) {
        this.illegal("illegal negation of 'every'");
        return null;
      }
      return this.parseEvery();
    }
    return this.parseLiteralExpr(negated);
  }

  private parseLiteralExpr(negated: boolean): Expr | null {
    const s = this.save();
    const expr = this.parseExpr();
    if (expr === null) return null;
    expr.negated = negated;
    if (this.isKw("with")) {
      const withs = this.parseWith();
      if (withs === null) return null;
      expr.with = withs;
    }
    // A plain `every` var that would parse as an every-expression: hint at the missing import.
    const b = expr.body;
    if (
      !this.keywords.has("every") &&
      b.type === "term" &&
      b.term.type === "var" &&
      b.term.name === "every" &&
      this.futureKeywordWouldParse(() => {
        this.restore(s);
        return this.parseEvery() !== null;
      })
    ) {
      this.hint("`import future.keywords.every` for `every x in xs { ... }` expressions");
    }
    return expr;
  }

  private parseWith(): With[] | null {
    const withs: With[] = [];
    for (;;) {
      const loc = this.loc();
      this.scan();
      if (!this.isIdent()) {
        this.illegal("expected ident");
        return null;
      }
      const target = this.parseTerm();
      if (target === null) return null;
      if (target.type !== "ref" && target.type !== "var") this.illegal("expected with target path");
      if (!this.isKw("as")) {
        this.illegal("expected as keyword");
        return null;
      }
      this.scan();
      const value = this.parseTermInfixCall();
      if (value === null) return null;
      const ref: RefTerm = target.type === "ref" ? target : { type: "ref", terms: [target], loc: target.loc };
      withs.push({ target: ref, value, loc });
      if (!this.isKw("with")) return withs;
    }
  }

  private parseSome(): Expr | null {
    const loc = this.loc();
    const s = this.save();
    this.scan();
    const term = this.parseTermInfixCall();
    if (term !== null && term.type === "call") {
      const name = refToString(term.op.terms);
      const arity = name === "internal.member_2" ? 2 : name === "internal.member_3" ? 3 : -1;
      if (arity < 0) {
        this.illegal("expected `x in xs` or `x, y in xs` expression");
        return null;
      }
      if (term.args.length !== arity) {
        this.illegal("illegal domain");
        return null;
      }
      const [a, b, c] = term.args;
      const expr =
        arity === 2
          ? mkExpr({ type: "somein", value: a!, collection: b! }, loc)
          : mkExpr({ type: "somein", key: a!, value: b!, collection: c! }, loc);
      if (this.isKw("with")) {
        const withs = this.parseWith();
        if (withs === null) return null;
        expr.with = withs;
      }
      return expr;
    }
    this.restore(s);
    if (
      !this.keywords.has("in") &&
      this.futureKeywordWouldParse(() => {
        this.scan();
        const t = this.parseTermInfixCall();
        return t !== null && t.type === "call" && t.op.terms.length === 2;
      })
    ) {
      this.hint("`import future.keywords.in` for `some x in xs` expressions");
    }
    const vars: VarTerm[] = [];
    for (;;) {
      this.scan();
      if (!this.isIdent()) {
        this.illegal("expected var");
        return null;
      }
      vars.push(this.parseVar());
      this.scan();
      if (this.k() !== Tok.Comma) break;
    }
    return mkExpr({ type: "some", vars }, loc);
  }

  /** Tries `f` with every future keyword enabled, then undoes everything (for hints). */
  private futureKeywordWouldParse(f: () => boolean): boolean {
    const s = this.save();
    const kws = this.keywords;
    this.keywords = new Set([...kws, ...FUTURE_KEYWORDS_V0]);
    const errors = this.errors.slice();
    this.cacheEnabled = false;
    try {
      return this.guard(f) ?? false;
    } finally {
      this.keywords = kws;
      this.cacheEnabled = true;
      this.restore(s);
      this.errors = errors;
    }
  }

  private parseEvery(): Expr | null {
    const loc = this.loc();
    this.scan();
    const term = this.parseTermInfixCall();
    if (term === null) return null;
    if (term.type !== "call") {
      this.illegal("expected `x[, y] in xs { ... }` expression");
      return null;
    }
    const name = refToString(term.op.terms);
    let key: Term | undefined;
    let value: Term;
    let domain: Term;
    if (
      (name === "internal.member_2" && term.args.length !== 2) ||
      (name === "internal.member_3" && term.args.length !== 3)
    ) {
      this.illegal("illegal domain");
      return null;
    }
    if (name === "internal.member_2") {
      value = term.args[0]!;
      domain = term.args[1]!;
    } else if (name === "internal.member_3") {
      key = term.args[0]!;
      value = term.args[1]!;
      domain = term.args[2]!;
      if (key.type !== "var") {
        this.illegal("expected key to be a variable");
        return null;
      }
    } else {
      this.illegal("expected `x[, y] in xs { ... }` expression");
      return null;
    }
    if (value.type !== "var") {
      this.illegal("expected value to be a variable");
      return null;
    }
    if (this.k() !== Tok.LBrace) {
      this.illegal("missing body");
      return null;
    }
    this.scan();
    const body = this.parseBody(Tok.RBrace);
    if (body === null) return null;
    this.scan();
    const expr = mkExpr(
      key ? { type: "every", key, value, domain, body } : { type: "every", value, domain, body },
      loc,
    );
    if (this.isKw("with")) {
      const withs = this.parseWith();
      if (withs === null) return null;
      expr.with = withs;
    }
    return expr;
  }

  private parseExpr(): Expr | null {
    const loc = this.loc();
    const lhs = this.parseTermInfixCall();
    if (lhs === null) return null;
    if (this.k() === Tok.Assign || this.k() === Tok.Unify) {
      const op = this.opTerm();
      const rhs = this.parseTermInfixCall();
      if (rhs === null) return null;
      return mkExpr({ type: "call", op, args: [lhs, rhs] }, loc);
    }
    // A top-level call term becomes a call expression (the evaluator has no call terms at top level).
    if (lhs.type === "call") return mkExpr({ type: "call", op: lhs.op, args: lhs.args }, loc);
    return mkExpr({ type: "term", term: lhs }, loc);
  }

  // ------------------------------------------------------------------------------------------ operators

  /** The operator at `tok` as a call target: `ref [var <builtin name>]`; consumes it. */
  private opTerm(): RefTerm {
    const loc = this.loc();
    const name = TOKEN_NAMES[this.k()]!;
    this.scan();
    return { type: "ref", terms: [{ type: "var", name, loc }], loc };
  }

  private memberOp(name: "member_2" | "member_3"): RefTerm {
    const loc = this.loc();
    this.scan();
    return {
      type: "ref",
      terms: [
        { type: "var", name: "internal", loc },
        { type: "string", value: name, loc },
      ],
      loc,
    };
  }

  parseTermInfixCall(): Term | null {
    this.enter();
    try {
      return this.parseTermIn(null, true);
    } finally {
      this.leave();
    }
  }

  private parseTermInfixCallInList(): Term | null {
    this.enter();
    try {
      return this.parseTermIn(null, false);
    } finally {
      this.leave();
    }
  }

  /** `x in xs`, `k, v in xs` (lowest precedence above `=`/`:=`). */
  private parseTermIn(lhs0: Term | null, keyVal: boolean): Term | null {
    let lhs = lhs0 ?? this.parseTermRelation();
    if (lhs === null) return null;
    for (;;) {
      if (keyVal && this.k() === Tok.Comma) {
        const s = this.save();
        this.scan();
        const mhs = this.parseTermRelation();
        if (mhs !== null && this.isKw("in")) {
          const op = this.memberOp("member_3");
          const rhs = this.parseTermRelation();
          if (rhs !== null) {
            lhs = call(op, [lhs, mhs, rhs], lhs.loc);
            if (this.isKw("in")) continue;
            return lhs;
          }
        }
        this.restore(s);
      }
      this.scanAheadRef();
      if (this.isKw("in")) {
        const op = this.memberOp("member_2");
        const rhs = this.parseTermRelation();
        if (rhs !== null) {
          lhs = call(op, [lhs, rhs], lhs.loc);
          if (this.isKw("in")) continue;
        }
      }
      return lhs;
    }
  }

  private parseTermRelation(): Term | null {
    return this.binary(RELATION_OPS, () => this.parseTermOr());
  }

  private parseTermOr(): Term | null {
    return this.binary(OR_OPS, () => this.parseTermAnd());
  }

  private parseTermAnd(): Term | null {
    return this.binary(AND_OPS, () => this.parseTermArith());
  }

  private parseTermArith(): Term | null {
    return this.binary(ARITH_OPS, () => this.parseTermFactor());
  }

  private parseTermFactor(): Term | null {
    return this.binary(FACTOR_OPS, () => this.parseTerm());
  }

  /** A left-associative chain of one precedence level. */
  private binary(ops: ReadonlySet<number>, operand: () => Term | null): Term | null {
    this.enter();
    try {
      let lhs = operand();
      if (lhs === null) return null;
      while (ops.has(this.k())) {
        const op = this.opTerm();
        const rhs = operand();
        if (rhs === null) return lhs;
        lhs = call(op, [lhs, rhs], lhs.loc);
      }
      return lhs;
    } finally {
      this.leave();
    }
  }

  // ------------------------------------------------------------------------------------------ terms

  parseTerm(): Term | null {
    this.enter();
    try {
      const start = this.tok.start;
      const demotedHere = demoted.has(this.tok);
      if (this.cacheEnabled && !demotedHere) {
        const hit = this.cache.get(start);
        if (hit !== undefined) {
          this.lex.restore(hit.post.pos);
          this.tok = hit.post.tok;
          for (const e of hit.errors) this.errors.push(e);
          return hit.term;
        }
      }
      const nerr = this.errors.length;
      const term = this.parseTermFinish(this.parseTermHead());
      if (this.cacheEnabled && !demotedHere) {
        this.cache.set(start, { term, post: this.save(), errors: this.errors.slice(nerr) });
      }
      return term;
    } finally {
      this.leave();
    }
  }

  private parseTermHead(): Term | null {
    const t = this.tok;
    switch (t.kind) {
      case Tok.Ident: {
        const kw = this.kwOf(t);
        if (kw === null || kw === "contains") return this.parseVar();
        if (kw === "null") return { type: "null", loc: this.loc() };
        if (kw === "true") return { type: "boolean", value: true, loc: this.loc() };
        if (kw === "false") return { type: "boolean", value: false, loc: this.loc() };
        this.illegal();
        return null;
      }
      case Tok.Sub:
      case Tok.Dot:
      case Tok.Number:
        return this.parseNumber();
      case Tok.String:
        return this.parseString();
      case Tok.RawString:
        return { type: "string", value: t.lit.slice(1, -1), loc: this.loc() };
      case Tok.TemplatePart:
      case Tok.TemplateEnd:
        return this.parseTemplateString();
      case Tok.LBrack:
        return this.parseArray();
      case Tok.LBrace:
        return this.parseSetOrObject();
      case Tok.LParen: {
        this.scan();
        const r = this.parseTermInfixCall();
        if (r === null) return null;
        if (this.k() !== Tok.RParen) {
          this.errorAt(this.tok, "non-terminated expression");
          return null;
        }
        return r;
      }
      default:
        this.illegal();
        return null;
    }
  }

  /** After a term: a directly following `.`, `[` or `(` continues it as a ref or call. */
  private parseTermFinish(head: Term | null): Term | null {
    if (head === null) return null;
    this.scan();
    const k = this.k();
    if (!this.tok.ws && (k === Tok.LParen || k === Tok.Dot || k === Tok.LBrack)) return this.parseRef(head);
    if (head.type === "var" && (head.name === "data" || head.name === "input")) {
      return { type: "ref", terms: [head], loc: head.loc };
    }
    return head;
  }

  /** Parses `.x`, `[t]` and `(args)` suffixes after `head`; `tok` is on the first suffix. */
  parseRef(head: Term): Term | null {
    this.enter();
    try {
      switch (head.type) {
        case "var":
        case "array":
        case "object":
        case "set":
        case "arraycomp":
        case "objectcomp":
        case "setcomp":
        case "call":
          break;
        default:
          this.errorAtLoc(head.loc, `illegal ref (head cannot be ${valueName(head)})`);
      }
      const terms: Term[] = [head];
      let first = true;
      for (;;) {
        if (!first && this.tok.ws) return mkRef(terms, head.loc);
        first = false;
        switch (this.k()) {
          case Tok.Dot: {
            this.scan();
            if (this.k() !== Tok.Ident || this.tok.ws) {
              this.illegal("expected identifier");
              return null;
            }
            terms.push({ type: "string", value: this.tok.lit, loc: this.loc() });
            this.scan();
            break;
          }
          case Tok.LParen: {
            const c = this.parseCall(mkRef(terms, head.loc));
            if (c === null) return null;
            const k = this.k();
            if (!this.tok.ws && (k === Tok.Dot || k === Tok.LBrack)) return this.parseRef(c);
            return c;
          }
          case Tok.LBrack: {
            this.scan();
            const t = this.parseTermInfixCall();
            if (t === null) return null;
            if (this.k() !== Tok.RBrack) {
              this.illegal("expected [");
              return null;
            }
            terms.push(t);
            this.scan();
            break;
          }
          default:
            return mkRef(terms, head.loc);
        }
      }
    } finally {
      this.leave();
    }
  }

  /** `op(args)`; `set()` is the empty set. Leaves `tok` after `)`. */
  private parseCall(op: RefTerm): Term | null {
    this.enter();
    try {
      this.scan();
      if (this.k() === Tok.RParen) {
        this.scan();
        if (op.terms.length === 1 && op.terms[0]!.type === "var" && op.terms[0]!.name === "set") {
          return { type: "set", items: [], loc: op.loc };
        }
        return { type: "call", op, args: [], loc: op.loc };
      }
      const args = this.parseTermList(Tok.RParen, []);
      if (args === null) return null;
      this.scan();
      return { type: "call", op, args, loc: op.loc };
    } finally {
      this.leave();
    }
  }

  private parseArray(): Term | null {
    this.enter();
    try {
      const loc = this.loc();
      this.scan();
      if (this.k() === Tok.RBrack) return { type: "array", items: [], loc };
      let potentialComprehension = true;
      // Leading commas (`[, x]`) are accepted for backwards compatibility, as OPA does.
      if (this.k() === Tok.Comma) {
        potentialComprehension = false;
        this.scan();
      }
      const s = this.save();
      // A single term first, so that `[a | b]` is a comprehension rather than an `or` call.
      const head = this.parseTerm();
      if (head === null) return null;
      switch (this.k()) {
        case Tok.RBrack:
          return { type: "array", items: [head], loc };
        case Tok.Comma: {
          this.scan();
          const items = this.parseTermList(Tok.RBrack, [head]);
          return items === null ? null : { type: "array", items, loc };
        }
        case Tok.Or:
          if (potentialComprehension) {
            this.scan();
            const body = this.parseBody(Tok.RBrack);
            if (body !== null) return { type: "arraycomp", term: head, body, loc };
            if (this.k() !== Tok.Comma) return null;
          }
          break;
      }
      this.restore(s);
      const items = this.parseTermList(Tok.RBrack, []);
      return items === null ? null : { type: "array", items, loc };
    } finally {
      this.leave();
    }
  }

  private parseSetOrObject(): Term | null {
    this.enter();
    try {
      const loc = this.loc();
      this.scan();
      if (this.k() === Tok.RBrace) return { type: "object", entries: [], loc };
      let potentialComprehension = true;
      if (this.k() === Tok.Comma) {
        potentialComprehension = false;
        this.scan();
      }
      const s = this.save();
      let head = this.parseTerm();
      if (head === null) return null;
      switch (this.k()) {
        case Tok.Or:
          if (potentialComprehension) return this.parseSet(s, head, true, loc);
          break;
        case Tok.RBrace:
        case Tok.Comma:
          return this.parseSet(s, head, potentialComprehension, loc);
        case Tok.Colon:
          return this.parseObject(head, potentialComprehension, loc);
      }
      this.restore(s);
      head = this.parseTermInfixCallInList();
      if (head === null) return null;
      switch (this.k()) {
        case Tok.RBrace:
        case Tok.Comma:
          return this.parseSet(s, head, false, loc);
        case Tok.Colon:
          return this.parseObject(head, potentialComprehension, loc);
      }
      this.illegal("non-terminated set");
      return null;
    } finally {
      this.leave();
    }
  }

  private parseSet(s: State, head: Term, potentialComprehension: boolean, loc: Location): Term | null {
    this.enter();
    try {
      switch (this.k()) {
        case Tok.RBrace:
          return { type: "set", items: [head], loc };
        case Tok.Comma: {
          this.scan();
          const items = this.parseTermList(Tok.RBrace, [head]);
          return items === null ? null : { type: "set", items, loc };
        }
        case Tok.Or: {
          if (potentialComprehension) {
            this.scan();
            const body = this.parseBody(Tok.RBrace);
            if (body !== null) return { type: "setcomp", term: head, body, loc };
            if (this.k() !== Tok.Comma) return null;
          }
          this.restore(s);
          const items = this.parseTermList(Tok.RBrace, []);
          return items === null ? null : { type: "set", items, loc };
        }
      }
      return null;
    } finally {
      this.leave();
    }
  }

  private parseObject(key: Term, potentialComprehension: boolean, loc: Location): Term | null {
    this.enter();
    try {
      this.scan(); // the colon
      const s = this.save();
      const v = this.parseTerm();
      if (v === null) return null;
      let potentialRelation = true;
      if (potentialComprehension) {
        const k = this.k();
        if (k === Tok.RBrace || k === Tok.Comma || k === Tok.Or) {
          if (k !== Tok.Or) potentialRelation = false;
          const term = this.parseObjectFinish(key, v, true, loc);
          if (term !== null) return term;
        }
      }
      this.restore(s);
      if (potentialRelation) {
        const v2 = this.parseTermInfixCallInList();
        if (v2 === null) return null;
        if (this.k() === Tok.RBrace || this.k() === Tok.Comma) {
          return this.parseObjectFinish(key, v2, false, loc);
        }
      }
      this.illegal("non-terminated object");
      return null;
    } finally {
      this.leave();
    }
  }

  private parseObjectFinish(
    key: Term,
    val: Term,
    potentialComprehension: boolean,
    loc: Location,
  ): Term | null {
    this.enter();
    try {
      switch (this.k()) {
        case Tok.RBrace:
          return { type: "object", entries: [[key, val]], loc } satisfies ObjectTerm;
        case Tok.Or:
          if (potentialComprehension) {
            this.scan();
            const body = this.parseBody(Tok.RBrace);
            if (body !== null) return { type: "objectcomp", key, value: val, body, loc };
          } else {
            this.illegal("non-terminated object");
          }
          return null;
        case Tok.Comma: {
          this.scan();
          const entries = this.parseTermPairList(Tok.RBrace, [[key, val]]);
          return entries === null ? null : { type: "object", entries, loc };
        }
      }
      return null;
    } finally {
      this.leave();
    }
  }

  /** Comma-separated terms up to `end` (a trailing comma is fine); leaves `tok` on `end`. */
  private parseTermList(end: number, r: Term[]): Term[] | null {
    if (this.k() === end) return r;
    for (;;) {
      const term = this.parseTermInfixCallInList();
      if (term === null) return null;
      r.push(term);
      if (this.k() === end) return r;
      if (this.k() === Tok.Comma) {
        this.scan();
        if (this.k() === end) return r;
        continue;
      }
      this.illegal(`expected "," or "${TOKEN_NAMES[end]}"`);
      return null;
    }
  }

  private parseTermPairList(end: number, r: [Term, Term][]): [Term, Term][] | null {
    if (this.k() === end) return r;
    for (;;) {
      const key = this.parseTermInfixCallInList();
      if (key === null) return null;
      if (this.k() !== Tok.Colon) {
        this.illegal(`expected ":"`);
        return null;
      }
      this.scan();
      const val = this.parseTermInfixCallInList();
      if (val === null) return null;
      r.push([key, val]);
      if (this.k() === end) return r;
      if (this.k() === Tok.Comma) {
        this.scan();
        if (this.k() === end) return r;
        continue;
      }
      this.illegal(`expected "," or "${TOKEN_NAMES[end]}"`);
      return null;
    }
  }

  private parseNumber(): Term | null {
    const loc = this.loc();
    let prefix = "";
    if (this.k() === Tok.Sub) {
      prefix = "-";
      this.scan();
      if (this.k() !== Tok.Number && this.k() !== Tok.Dot) {
        this.illegal("expected number");
        return null;
      }
    }
    if (this.k() === Tok.Dot) {
      prefix += ".";
      this.scan();
      if (this.k() !== Tok.Number) {
        this.illegal("expected number");
        return null;
      }
    }
    const lit = this.tok.lit;
    if (!prefix.endsWith(".") && lit.length > 1 && lit[0] === "0") {
      const isDecimal = lit[1] === ".";
      const isScientific = lit.length > 2 && (lit[1] === "e" || lit[1] === "E");
      if (!isDecimal && !isScientific) {
        this.illegal("expected number without leading zero");
        return null;
      }
    }
    const text = prefix + lit;
    const value = parseNumberText(text);
    if (value === null) {
      this.errorAt(this.tok, "number too big");
      return null;
    }
    return { type: "number", value, text, loc };
  }

  private parseString(): Term | null {
    const lit = this.tok.lit;
    const inner = lit.slice(1, -1);
    if (!inner.includes("\\")) return { type: "string", value: inner, loc: this.loc() };
    try {
      return { type: "string", value: JSON.parse(lit) as string, loc: this.loc() };
    } catch {
      this.errorAt(this.tok, `illegal string literal: ${lit}`);
      return null;
    }
  }

  /** `$"a {x} b"`: literal parts and embedded expressions; leaves `tok` on the closing part. */
  private parseTemplateString(): Term | null {
    const loc = this.loc();
    const raw = this.src.charCodeAt(this.tok.start + 1) === 96; // $`…`
    const parts: TemplateStringTerm["parts"] = [];
    for (;;) {
      if (this.tok.lit.length > 0) parts.push(this.tok.lit);
      if (this.k() === Tok.TemplateEnd) break;
      this.scan();
      const expr = this.parseLiteral();
      if (expr === null) {
        this.errorAt(this.tok, "invalid template-string expression");
        return null;
      }
      const bad = templateExprProblem(expr);
      if (bad !== null) {
        this.errorAtLoc(expr.loc, bad);
        return null;
      }
      const b = expr.body;
      if (expr.with.length > 0) parts.push({ type: "expr", expr, loc: expr.loc });
      else if (b.type === "term") parts.push(b.term);
      else if (b.type === "call") parts.push({ type: "call", op: b.op, args: b.args, loc: expr.loc });
      else {
        this.errorAtLoc(expr.loc, "unexpected expression in template-string expression");
        return null;
      }
      if (this.k() !== Tok.RBrace) {
        this.errorAt(this.tok, "expected } to end template string expression");
        return null;
      }
      this.tok = this.lex.continueTemplate(raw);
      this.noteIllegal();
      if (this.k() === Tok.Illegal) return null;
    }
    return { type: "template", parts, loc };
  }

  parseVar(): VarTerm {
    return { type: "var", name: this.tok.lit, loc: this.loc() };
  }
}

/** Tokens demoted from keyword to identifier (keywords used as ref heads). */
const demoted = new WeakSet<Token>();

const RELATION_OPS: ReadonlySet<number> = new Set([Tok.Equal, Tok.Neq, Tok.Lt, Tok.Gt, Tok.Lte, Tok.Gte]);
const OR_OPS: ReadonlySet<number> = new Set([Tok.Or]);
const AND_OPS: ReadonlySet<number> = new Set([Tok.And]);
const ARITH_OPS: ReadonlySet<number> = new Set([Tok.Add, Tok.Sub]);
const FACTOR_OPS: ReadonlySet<number> = new Set([Tok.Mul, Tok.Quo, Tok.Rem]);

function templateExprProblem(expr: Expr): string | null {
  if (expr.negated) return "unexpected negation ('not') in template-string expression";
  const b = expr.body;
  if (b.type === "call" && b.op.terms.length === 1 && b.op.terms[0]!.type === "var") {
    const name = b.op.terms[0]!.name;
    if (name === "eq") return "unexpected unification ('=') in template-string expression";
    if (name === "assign") return "unexpected assignment (':=') in template-string expression";
  }
  if (b.type === "every") return "unexpected 'every' in template-string expression";
  if (b.type === "some" || b.type === "somein") return "unexpected 'some' in template-string expression";
  return null;
}

export function mkExpr(body: Expr["body"], loc: Location): Expr {
  return { body, negated: false, with: [], loc };
}

function mkRef(terms: Term[], loc: Location): RefTerm {
  return { type: "ref", terms, loc };
}

function call(op: RefTerm, args: Term[], loc: Location): CallTerm {
  return { type: "call", op, args, loc };
}

/** OPA's ValueName: the word error messages use for a kind of term. */
export function valueName(t: Term): string {
  switch (t.type) {
    case "arraycomp":
      return "arraycomprehension";
    case "setcomp":
      return "setcomprehension";
    case "objectcomp":
      return "objectcomprehension";
    case "template":
      return "templatestring";
    default:
      return t.type;
  }
}

/** Offset of a 1-based row/col (for error carets on AST locations). */
function offsetOf(src: string, row: number, col: number): number {
  let off = 0;
  for (let r = 1; r < row; r++) {
    const nl = src.indexOf("\n", off);
    if (nl < 0) return src.length;
    off = nl + 1;
  }
  return off + col - 1;
}
