/**
 * Module-level parsing: packages, imports and rules (OPA v1/ast/parser.go Parse/parseRules/parseHead/
 * parseElse), and the statements-to-module step with the rule-from-expression rules of
 * v1/ast/parser_ext.go (`p := 1`, `p[x] = y`, `f(x) = y`, `p.q.r` …) and the Rego v1 rule checks of
 * v1/ast/rego_v1.go (`if` and `contains` required, no keyword rule names).
 */
import type {
  Body,
  Expr,
  Import,
  Location,
  Module,
  Package,
  RegoVersion,
  Rule,
  RuleHead,
  Term,
} from "./ast.ts";
import { Tok } from "./lexer.ts";
import { BASE_KEYWORDS, FUTURE_KEYWORDS_V0, Parser, mkExpr, valueName } from "./parser.ts";
import { buildAnnotations, type Attachable } from "./annotations.ts";
import { isGround } from "./ground.ts";
import { parseFailure } from "./parse-error.ts";
import { refToString, termToString } from "./printer.ts";

/** Parser bookkeeping OPA keeps on rules but the AST does not carry. */
interface RuleMeta {
  keywords: Set<string>;
  generatedBody: boolean;
  generatedValue: boolean;
}

export type Statement =
  | { kind: "package"; pkg: Package }
  | { kind: "import"; imp: Import }
  | { kind: "rules"; rules: Rule[] }
  | { kind: "body"; body: Body };

/** Future keywords `import future.keywords.x` may name; `and`/`or`/`not` are OPA's experimental ones. */
const IMPORTABLE_KEYWORDS = ["contains", "every", "if", "in"];
const EXPERIMENTAL_KEYWORDS = ["and", "not", "or"];

/** Operators whose call cannot name a rule ("rule name conflicts with built-in function"). */
const OPERATOR_BUILTINS = new Set([
  "eq",
  "assign",
  "equal",
  "neq",
  "lt",
  "lte",
  "gt",
  "gte",
  "plus",
  "minus",
  "mul",
  "div",
  "rem",
  "and",
  "or",
  "internal.member_2",
  "internal.member_3",
]);

export class ModuleParser extends Parser {
  /** Per-rule parser bookkeeping; a Map (cheaper than a WeakMap), dropped with the parser. */
  readonly meta = new Map<Rule, RuleMeta>();
  skipRules = false;

  constructor(src: string, file: string, version: RegoVersion) {
    super(src, file, version);
  }

  /** OPA Parser.Parse: packages, imports, rules, then bare bodies, in that order of attempts. */
  parseStatements(): Statement[] {
    const out: Statement[] = [];
    const ok = this.guard(() => {
      while (this.k() !== Tok.EOF) {
        this.clearCache();
        let s = this.save();
        const pkg = this.parsePackage();
        if (pkg !== null) {
          out.push({ kind: "package", pkg });
          continue;
        } else if (this.errors.length > 0) return false;
        this.restore(s);
        s = this.save();
        const imp = this.parseImport();
        if (imp !== null) {
          const root = imp.path.terms[0]!;
          if (root.type === "var" && root.name === "rego") this.regoImport(imp);
          if (root.type === "var" && root.name === "future") this.futureImport(imp);
          out.push({ kind: "import", imp });
          continue;
        } else if (this.errors.length > 0) return false;
        this.restore(s);
        if (!this.skipRules) {
          s = this.save();
          const rules = this.parseRules();
          if (rules !== null) {
            out.push({ kind: "rules", rules });
            continue;
          } else if (this.errors.length > 0) return false;
          this.restore(s);
        }
        const body = this.parseQuery(true, Tok.EOF);
        if (body !== null) {
          out.push({ kind: "body", body });
          continue;
        }
        return false;
      }
      return true;
    });
    if (!ok && this.errors.length === 0) this.illegal();
    return out;
  }

  // ------------------------------------------------------------------------------------------ package

  private parsePackage(): Package | null {
    if (!this.isKw("package")) return null;
    const loc = this.loc();
    this.scan();
    if (!this.tok.ws && (this.k() === Tok.Dot || this.k() === Tok.LBrack)) return null; // `package.x` is a ref
    if (this.k() !== Tok.Ident) {
      this.illegal();
      return null;
    }
    this.demote();
    const term = this.parseTerm();
    if (term === null) return null;
    if (term.type === "var") return { path: [term.name], loc };
    if (term.type !== "ref") {
      this.illegal();
      return null;
    }
    const first = term.terms[0]!;
    if (first.type !== "var") {
      this.errorAtLoc(first.loc, `unexpected ${valueName(first)} token: expecting var`);
      return null;
    }
    const path = [first.name];
    for (const t of term.terms.slice(1)) {
      if (t.type !== "string") {
        this.errorAtLoc(t.loc, `unexpected ${valueName(t)} token: expecting string`);
        return null;
      }
      path.push(t.value);
    }
    return { path, loc };
  }

  // ------------------------------------------------------------------------------------------ imports

  private parseImport(): Import | null {
    if (!this.isKw("import")) return null;
    const loc = this.loc();
    this.scan();
    if (!this.tok.ws && (this.k() === Tok.Dot || this.k() === Tok.LBrack)) return null; // `import.x` is a ref
    if (this.k() !== Tok.Ident) {
      this.illegal();
      return null;
    }
    this.demote();
    // The path is parsed with no future keywords, so `import future.keywords.in` reads `in` as a name.
    const kws = this.keywords;
    this.keywords = new Set();
    let term: Term | null;
    try {
      term = this.withoutCache(() => this.parseTerm());
    } finally {
      this.keywords = kws;
    }
    if (term === null) return null;
    let path: Import["path"];
    if (term.type === "var") path = { type: "ref", terms: [term], loc: term.loc };
    else if (term.type === "ref") {
      for (const t of term.terms.slice(1)) {
        if (t.type !== "string") {
          this.errorAtLoc(t.loc, `unexpected ${valueName(t)} token: expecting string`);
          return null;
        }
      }
      path = term;
    } else {
      this.errorAt(this.tok, "expected path");
      return null;
    }
    const root = path.terms[0]!;
    const rootName = root.type === "var" ? root.name : "";
    if (!["data", "input", "future", "rego"].includes(rootName)) {
      this.errorAtLoc(
        path.loc,
        `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${termToString(root)} (hint: if this is unexpected, try updating OPA)`,
      );
      return null;
    }
    if (this.isKw("as")) {
      this.scan();
      if (!this.isIdent()) {
        this.illegal("expected var");
        return null;
      }
      const alias = this.parseTerm();
      if (alias !== null && alias.type === "var") return { path, alias: alias.name, loc };
      this.illegal("expected var");
      return null;
    }
    const last = path.terms[path.terms.length - 1]!;
    const lastName = last.type === "var" ? last.name : last.type === "string" ? last.value : "";
    if ((path.terms.length === 1 || rootName !== "future") && this.isKeywordInVersion(lastName)) {
      this.errorAtLoc(
        last.loc,
        `unexpected import path, must not end with a keyword, got: ${lastName} (hint: import a different path or use an alias)`,
      );
    }
    return { path, loc };
  }

  private withoutCache<T>(f: () => T): T {
    const prev = this.cacheEnabled;
    this.cacheEnabled = false;
    try {
      return f();
    } finally {
      this.cacheEnabled = prev;
    }
  }

  private isKeywordInVersion(word: string): boolean {
    if (BASE_KEYWORDS.has(word)) return true;
    return this.version === "v1" && FUTURE_KEYWORDS_V0.includes(word);
  }

  /** `import future.keywords[.kw]` enables keywords for the rest of the module. */
  private futureImport(imp: Import): void {
    const path = imp.path.terms;
    const second = path[1];
    if (path.length === 1 || second?.type !== "string" || second.value !== "keywords") {
      this.errorAtLoc(imp.path.loc, "invalid import, must be `future.keywords`");
      return;
    }
    if (imp.alias !== undefined) {
      this.errorAtLoc(imp.path.loc, "`future` imports cannot be aliased");
      return;
    }
    if (path.length === 2) {
      for (const kw of IMPORTABLE_KEYWORDS) this.addKeyword(kw);
      return;
    }
    const kw = path[2]!;
    const name = kw.type === "string" ? kw.value : "";
    if (IMPORTABLE_KEYWORDS.includes(name) || EXPERIMENTAL_KEYWORDS.includes(name)) {
      this.addKeyword(name);
      return;
    }
    this.errorAtLoc(imp.path.loc, `unexpected keyword, must be one of [${IMPORTABLE_KEYWORDS.join(" ")}]`);
  }

  /** `import rego.v1`: in a v0 module, turns on the v1 keywords and v1 rule checks. */
  private regoImport(imp: Import): void {
    const path = imp.path.terms;
    const second = path[1];
    if (path.length !== 2 || second?.type !== "string" || second.value !== "v1") {
      this.errorAtLoc(imp.path.loc, `invalid import \`${refToString(path)}\`, must be \`rego.v1\``);
      return;
    }
    if (this.version === "v1") return;
    if (imp.alias !== undefined) {
      this.errorAtLoc(imp.path.loc, "`rego` imports cannot be aliased");
      return;
    }
    this.regoV1Import = true;
    for (const kw of FUTURE_KEYWORDS_V0) this.addKeyword(kw);
  }

  // ------------------------------------------------------------------------------------------ rules

  private newMeta(rule: Rule, keywords: Iterable<string> = []): RuleMeta {
    const m: RuleMeta = { keywords: new Set(keywords), generatedBody: false, generatedValue: false };
    this.meta.set(rule, m);
    return m;
  }

  private parseRules(): Rule[] | null {
    const loc = this.loc();
    this.scanAheadRef();
    let isDefault = false;
    if (this.isKw("default")) {
      this.scan();
      isDefault = true;
      this.scanAheadRef();
    }
    if (!this.isIdent()) return null;

    const parsed = this.parseHead(isDefault);
    if (parsed === null) return null;
    const { head, usesContains } = parsed;
    const rule: Rule = { head: head.head, body: [], default: isDefault, loc };
    const meta = this.newMeta(rule, usesContains ? ["contains"] : []);
    meta.generatedValue = head.generatedValue;

    if (isDefault) {
      if (!this.validateDefault(rule)) return null;
      rule.body = [trueExpr(loc)];
      return [finishHead(rule)];
    }

    const h = rule.head;
    const hasIf = this.isKw("if");
    // `p[x] if …` is a single-value rule at p[x] (v1 semantics of a two-term ref head).
    if (hasIf && !usesContains && h.ref.length === 2) {
      const v = h.ref[1]!;
      if ((!isGround(v) || v.type === "ref") && !h.args) h.key = v;
      if (h.value === undefined) {
        meta.generatedValue = true;
        h.value = { type: "boolean", value: true, loc: h.loc };
      }
    }
    // v0 `p[x] { … }` is a multi-value rule p; `p[x] = y { … }` a single-value one at p[x].
    if (!hasIf && !usesContains && !h.args && h.ref.length === 2) {
      if (h.ref[0]!.type !== "var") return null;
      h.key = h.ref[1]!;
      if (h.value === undefined) h.ref = [h.ref[0]!];
    }

    let bodyParsed = false;
    if (hasIf) {
      meta.keywords.add("if");
      this.scan();
      const s = this.save();
      const expr = this.parseLiteral();
      // `p if { true }` would otherwise read as a set literal: a braced body is meant.
      if (expr !== null && !(expr.body.type === "term" && expr.body.term.type === "set")) {
        rule.body = [expr];
        bodyParsed = true;
      } else {
        this.restore(s);
        if (this.k() !== Tok.LBrace) {
          this.parseLiteral(); // report why the single-expression body failed
          if (this.errors.length === 0) this.illegal("expected rule body");
          return null;
        }
      }
    }
    if (!bodyParsed) {
      if (this.k() === Tok.LBrace) {
        this.scan();
        const body = this.parseBody(Tok.RBrace);
        if (body === null) return null;
        rule.body = body;
        this.scan();
      } else if (usesContains) {
        rule.body = [trueExpr(h.loc)];
        meta.generatedBody = true;
        rule.loc = h.loc;
        return [finishHead(rule)];
      } else {
        return null;
      }
    }

    if (this.isKw("else") && !this.scanAheadRef()) {
      if (h.ref.length > 1 && !h.ref.slice(1).every(isGround)) {
        this.errorAt(this.tok, "else keyword cannot be used on rules with variables in head");
        return null;
      }
      if (h.key !== undefined) {
        this.errorAt(this.tok, "else keyword cannot be used on multi-value rules");
        return null;
      }
      const e = this.parseElse(rule);
      if (e === null) return null;
      rule.else = e;
    }

    const rules = [finishHead(rule)];
    while (this.k() === Tok.LBrace) {
      if (rule.else !== undefined) {
        this.errorAt(this.tok, "expected else keyword");
        return null;
      }
      const bloc = this.loc();
      this.scan();
      const body = this.parseBody(Tok.RBrace);
      if (body === null) return null;
      this.scan();
      const next: Rule = { head: { ...copyHead(rule.head), loc: bloc }, body, default: false, loc: bloc };
      const m = this.newMeta(next, meta.keywords);
      m.generatedValue = meta.generatedValue;
      rules.push(next);
    }
    return rules;
  }

  private parseElse(main: Rule): Rule | null {
    const loc = this.loc();
    const head: RuleHead = { ...copyHead(main.head), loc };
    delete head.value;
    const rule: Rule = { head, body: [], default: false, loc };
    // OPA's Head.Copy does not carry the keywords: an else needs its own `if` in v1.
    const meta = this.newMeta(rule);
    this.scan();
    if (this.k() === Tok.LBrace || this.isKw("if")) {
      meta.generatedValue = true;
      head.value = { type: "boolean", value: true, loc };
      head.assign = false;
    } else if (this.k() === Tok.Assign || this.k() === Tok.Unify) {
      head.assign = this.k() === Tok.Assign;
      this.scan();
      const v = this.parseTermInfixCall();
      if (v === null) return null;
      head.value = v;
    } else {
      this.illegal("expected else value term or rule body");
      return null;
    }
    const hasIf = this.isKw("if");
    const hasLBrace = this.k() === Tok.LBrace;
    if (!hasIf && !hasLBrace) {
      rule.body = [trueExpr(loc)];
      meta.generatedBody = true;
      return finishHead(rule);
    }
    if (hasIf) {
      meta.keywords.add("if");
      this.scan();
    }
    if (this.k() === Tok.LBrace) {
      this.scan();
      const body = this.parseBody(Tok.RBrace);
      if (body === null) return null;
      rule.body = body;
      this.scan();
    } else if (this.k() !== Tok.EOF) {
      const expr = this.parseLiteral();
      if (expr === null) return null;
      rule.body = [expr];
    } else {
      this.illegal("rule body expected");
      return null;
    }
    if (this.isKw("else")) {
      const e = this.parseElse(main);
      if (e === null) return null;
      rule.else = e;
    }
    return finishHead(rule);
  }

  private parseHead(
    isDefault: boolean,
  ): { head: { head: RuleHead; generatedValue: boolean }; usesContains: boolean } | null {
    const loc = this.loc();
    const v = this.parseVar();
    // OPA parseHeadFinish: an operator glued to the name is an error; whitespace may precede `[`, `.`, `(`.
    this.scan();
    if (!this.tok.ws && HEAD_ILLEGAL_OPS.has(this.k())) this.illegal();
    let term: Term = v;
    if (this.k() === Tok.LParen || this.k() === Tok.Dot || this.k() === Tok.LBrack) {
      const r = this.parseRef(v);
      if (r === null) {
        this.illegal("expected rule head name");
        return null;
      }
      term = r;
    } else if (v.name === "data" || v.name === "input") {
      term = { type: "ref", terms: [v], loc: v.loc };
    }

    const head: RuleHead = { ref: [], assign: false, kind: "complete", loc };
    let emptyArgs = false;
    if (term.type === "var") head.ref = [term];
    else if (term.type === "ref") {
      if (term.terms[0]!.type !== "var") return null;
      head.ref = term.terms;
    } else if (term.type === "call") {
      if (term.op.terms[0]!.type !== "var") {
        this.illegal(`rule head ref ${refToString(term.op.terms)} invalid`);
        return null;
      }
      head.ref = term.op.terms;
      // `f() { … }` has no arguments: OPA reads it as a rule, not a function (isFunction is len(Args) > 0).
      if (term.args.length > 0) head.args = term.args;
      else emptyArgs = true;
    } else return null;

    const name = refToString(head.ref);
    let generatedValue = false;
    if (this.isKw("contains")) {
      if (head.args || emptyArgs) {
        this.illegal(
          `the contains keyword can only be used with multi-value rule definitions (e.g., ${name} contains <VALUE> { ... })`,
        );
      }
      this.scan();
      const key = this.parseTermInfixCall();
      if (key === null) {
        this.illegal(`expected rule key term (e.g., ${name} contains <VALUE> { ... })`);
        return null;
      }
      head.key = key;
      return { head: { head, generatedValue }, usesContains: true };
    }
    if (this.k() === Tok.Unify) {
      this.scan();
      const value = this.parseTermInfixCall();
      if (value === null) {
        this.illegal(`expected rule value term (e.g., ${name}[${name}] = <VALUE> { ... })`);
        return null;
      }
      head.value = value;
    } else if (this.k() === Tok.Assign) {
      this.scan();
      head.assign = true;
      const value = this.parseTermInfixCall();
      if (value === null) {
        if (head.args) this.illegal(`expected function value term (e.g., ${name}(...) := <VALUE> { ... })`);
        else if (isDefault)
          this.illegal(`expected default rule value term (e.g., default ${name} := <VALUE>)`);
        else this.illegal(`expected rule value term (e.g., ${name} := <VALUE> { ... })`);
        return null;
      }
      head.value = value;
    }
    if (
      head.value === undefined &&
      head.key === undefined &&
      (head.ref.length !== 2 || head.args || emptyArgs)
    ) {
      generatedValue = true;
      head.value = { type: "boolean", value: true, loc };
    }
    return { head: { head, generatedValue }, usesContains: false };
  }

  private validateDefault(rule: Rule): boolean {
    const h = rule.head;
    if (h.value === undefined) {
      this.errorAtLoc(rule.loc, "illegal default rule (must have a value)");
      return false;
    }
    let valid = true;
    const visit = (t: Term): void => {
      switch (t.type) {
        case "ref":
        case "var":
        case "call":
          this.errorAtLoc(rule.loc, `illegal default rule (value cannot contain ${t.type})`);
          valid = false;
          return;
        case "array":
        case "set":
          t.items.forEach(visit);
          return;
        case "object":
          for (const [k, v] of t.entries) {
            visit(k);
            visit(v);
          }
          return;
        case "template":
          for (const p of t.parts) if (typeof p !== "string" && p.type !== "expr") visit(p);
          return;
        default:
          return; // scalars; comprehensions are closures and may contain anything
      }
    };
    visit(h.value);
    if (h.args) {
      const seen = new Set<string>();
      for (const a of h.args) {
        if (a.type !== "var") {
          this.errorAtLoc(rule.loc, `illegal default rule (arguments cannot contain ${valueName(a)})`);
          valid = false;
        } else if (seen.has(a.name) && a.name !== "_") {
          this.errorAtLoc(rule.loc, `illegal default rule (arguments cannot be repeated ${a.name})`);
          valid = false;
        } else seen.add(a.name);
      }
    }
    return valid;
  }

  // ------------------------------------------------------------------------------------------ module

  /** OPA parseModule: package first, bodies become rules, then the v1 rule checks. */
  buildModule(stmts: Statement[]): Module {
    const first = stmts[0];
    if (first === undefined) {
      this.errors.push({ msg: "empty module", row: 1, col: 1, offset: 0 });
      throw parseFailure(this.toErrors());
    }
    let pkg: Package;
    if (first.kind !== "package") {
      const l = statementLoc(first);
      this.errorAtLoc(l, "package expected");
      pkg = { path: [], loc: l };
    } else pkg = first.pkg;
    const mod: Module = { file: this.file, version: this.version, package: pkg, imports: [], rules: [] };
    // Statements in source order, for attaching annotations.
    const attachable: Attachable[] = first.kind === "package" ? [{ kind: "package", pkg }] : [];
    for (const st of stmts.slice(1)) {
      switch (st.kind) {
        case "import":
          mod.imports.push(st.imp);
          attachable.push({ kind: "import", row: st.imp.loc.row });
          break;
        case "rules":
          mod.rules.push(...st.rules);
          for (const rule of st.rules) attachable.push({ kind: "rule", rule });
          break;
        case "body": {
          const rule = this.ruleFromBody(st.body);
          if (rule !== null) {
            mod.rules.push(rule);
            attachable.push({ kind: "rule", rule });
          }
          break;
        }
        case "package":
          this.errorAtLoc(st.pkg.loc, "unexpected package");
          attachable.push({ kind: "package", pkg: st.pkg });
          break;
      }
    }
    if (this.version === "v1" || this.regoV1Import) {
      for (const rule of mod.rules) for (let r: Rule | undefined = rule; r; r = r.else) this.checkRegoV1(r);
      mod.version = "v1";
    }
    if (this.errors.length > 0) throw parseFailure(this.toErrors());
    const comments = this.comments();
    if (comments.some((c) => c.text.includes("METADATA"))) {
      const { annotations, problems } = buildAnnotations(comments, attachable, mod.rules, this.file);
      for (const p of problems) this.errorAtLoc(p.loc, p.msg);
      if (this.errors.length > 0) throw parseFailure(this.toErrors());
      if (annotations.length > 0) mod.annotations = annotations;
    }
    return mod;
  }

  /** OPA ParseRuleFromBody / ParseRuleFromExpr. */
  private ruleFromBody(body: Body): Rule | null {
    const expr = body[0]!;
    const fail = (msg: string): null => {
      this.errorAtLoc(expr.loc, msg);
      return null;
    };
    if (body.length !== 1) return fail("multiple expressions cannot be used for rule head");
    if (expr.with.length > 0) return fail("expressions using with keyword cannot be used for rule head");
    if (expr.negated) return fail("negated expressions cannot be used for rule head");
    const b = expr.body;
    if (b.type === "some" || b.type === "somein")
      return fail("'some' declarations cannot be used for rule head");
    const make = (head: RuleHead, loc: Location, generatedValue: boolean): Rule => {
      const rule: Rule = { head, body: [trueExpr(loc)], default: false, loc };
      const m = this.newMeta(rule);
      m.generatedBody = true;
      m.generatedValue = generatedValue;
      return finishHead(rule);
    };
    if (b.type === "term") {
      const t = b.term;
      if (t.type !== "ref") return fail(`${valueName(t)} cannot be used for rule name`);
      if (t.terms[0]!.type !== "var") return fail(`invalid rule head: ${termToString(t)}`);
      if (t.terms.length > 2) {
        // `p.q.r` alone: a single-value rule with value true
        const head: RuleHead = {
          ref: t.terms,
          value: { type: "boolean", value: true, loc: t.loc },
          assign: false,
          kind: "complete",
          loc: t.loc,
        };
        return make(head, t.loc, true);
      }
      if (t.terms.length === 1) return fail("refs cannot be used for rule head");
      // `p[x]` / `p.a` alone: a multi-value rule
      const head: RuleHead = {
        ref: [t.terms[0]!],
        key: t.terms[1]!,
        assign: false,
        kind: "partial_set",
        loc: t.loc,
      };
      return make(head, t.loc, false);
    }
    if (b.type !== "call") return fail("expression cannot be used for rule head");
    const opName = refToString(b.op.terms);
    if (opName === "eq" || opName === "assign") {
      const [lhs, rhs] = b.args;
      if (lhs === undefined || rhs === undefined) return fail("assignment requires two operands");
      const assign = opName === "assign";
      if (lhs.type === "call") {
        if (lhs.op.terms[0]!.type !== "var") return fail(`invalid rule head: ${refToString(lhs.op.terms)}`);
        const head: RuleHead = {
          ref: lhs.op.terms,
          args: lhs.args,
          value: rhs,
          assign,
          kind: "function",
          loc: expr.loc,
        };
        return make(head, expr.loc, false);
      }
      if (lhs.type === "ref") {
        if (lhs.terms[0]!.type !== "var") return fail(`invalid rule head: ${termToString(lhs)}`);
        const head: RuleHead = { ref: lhs.terms, value: rhs, assign, kind: "complete", loc: expr.loc };
        if (lhs.terms.length === 2) head.key = lhs.terms[1]!;
        return make(head, expr.loc, false);
      }
      if (lhs.type === "var") {
        const head: RuleHead = { ref: [lhs], value: rhs, assign, kind: "complete", loc: expr.loc };
        return make(head, expr.loc, false);
      }
      return fail(`${valueName(lhs)} cannot be used for rule name`);
    }
    if (OPERATOR_BUILTINS.has(opName)) return fail("rule name conflicts with built-in function");
    if (b.args.length === 0) return fail("rule argument list must take at least one argument");
    if (b.op.terms[0]!.type !== "var") return fail(`invalid rule head: ${refToString(b.op.terms)}`);
    const head: RuleHead = {
      ref: b.op.terms,
      args: b.args,
      value: { type: "boolean", value: true, loc: expr.loc },
      assign: false,
      kind: "function",
      loc: expr.loc,
    };
    // OPA ParseRuleFromCallExpr gives the value explicitly: not a "generated" value for the v1 check.
    return make(head, expr.loc, false);
  }

  /** v1/ast/rego_v1.go checkRegoV1Rule. */
  private checkRegoV1(rule: Rule): void {
    const meta = this.meta.get(rule) ?? {
      keywords: new Set<string>(),
      generatedBody: false,
      generatedValue: false,
    };
    const h = rule.head;
    const t = h.args ? "function" : "rule";
    const first = h.ref[0]!;
    const name = first.type === "var" ? first.name : "";
    if (h.ref.length < 2 && (BASE_KEYWORDS.has(name) || FUTURE_KEYWORDS_V0.includes(name))) {
      this.errorAtLoc(rule.loc, `${name} keyword cannot be used for rule name`);
    }
    if (meta.generatedBody && meta.generatedValue) {
      this.errorAtLoc(rule.loc, `${t} must have value assignment and/or body declaration`);
    }
    if (!meta.generatedBody && !meta.keywords.has("if") && !rule.default) {
      this.errorAtLoc(rule.loc, `\`if\` keyword is required before ${t} body`);
    }
    if (h.kind === "partial_set" && !meta.keywords.has("contains")) {
      this.errorAtLoc(rule.loc, "`contains` keyword is required for partial set rules");
    }
  }
}

const HEAD_ILLEGAL_OPS: ReadonlySet<number> = new Set([
  Tok.Add,
  Tok.Sub,
  Tok.Mul,
  Tok.Quo,
  Tok.Rem,
  Tok.And,
  Tok.Or,
  Tok.Equal,
  Tok.Neq,
  Tok.Gt,
  Tok.Gte,
  Tok.Lt,
  Tok.Lte,
]);

function trueExpr(loc: Location): Expr {
  const e = mkExpr({ type: "term", term: { type: "boolean", value: true, loc } }, loc);
  e.generated = true;
  return e;
}

function copyHead(h: RuleHead): RuleHead {
  const c: RuleHead = { ...h, ref: [...h.ref] };
  if (h.args) c.args = [...h.args];
  return c;
}

function statementLoc(st: Statement): Location {
  switch (st.kind) {
    case "package":
      return st.pkg.loc;
    case "import":
      return st.imp.loc;
    case "rules":
      return st.rules[0]!.loc;
    case "body":
      return st.body[0]!.loc;
  }
}

/**
 * Sets the head's kind from its shape (OPA RuleKind plus the partial-object reading of a ref head
 * whose last term is not ground), and drops `key` where it means nothing.
 */
export function finishHead(rule: Rule): Rule {
  const h = rule.head;
  if (h.args) h.kind = "function";
  else if (h.key !== undefined && h.value === undefined) h.kind = "partial_set";
  else if (h.ref.length > 1 && !isGround(h.ref[h.ref.length - 1]!)) {
    h.kind = "partial_object";
    h.key = h.ref[h.ref.length - 1]!;
  } else {
    h.kind = "complete";
    delete h.key;
  }
  return rule;
}

export { isGround } from "./ground.ts";
