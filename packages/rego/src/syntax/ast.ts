/**
 * The Rego abstract syntax tree, shaped after OPA's `v1/ast` (policy.go, term.go) so OPA's semantics map
 * one to one. Infix operators are calls of OPA's builtin names: `=` eq, `:=` assign, `==` equal,
 * `!=` neq, `<` lt, `<=` lte, `>` gt, `>=` gte, `+` plus, `-` minus, `*` mul, `/` div, `%` rem,
 * `&` and, `|` or, `x in xs` internal.member_2, `k, v in xs` internal.member_3.
 *
 * The parser owns this file; changes must be additive (the compiler and evaluator are written against it).
 */

export interface Location {
  file: string;
  row: number;
  col: number;
}

export type RegoVersion = "v0" | "v1";

// ---------------------------------------------------------------------------------------------- terms

export interface NullTerm {
  type: "null";
  loc: Location;
}
export interface BooleanTerm {
  type: "boolean";
  value: boolean;
  loc: Location;
}
export interface NumberTerm {
  type: "number";
  /** Exact value: a JS number, or a bigint for integers beyond 2^53. */
  value: number | bigint;
  /** The literal as written (OPA keeps number text; floats beyond float64 precision live here). */
  text: string;
  loc: Location;
}
export interface StringTerm {
  type: "string";
  value: string;
  loc: Location;
}
export interface VarTerm {
  type: "var";
  /** `_` is the wildcard; the compiler renames each wildcard to a fresh var. */
  name: string;
  loc: Location;
}
/** `a.b[c]["d"]`: `terms[0]` is the head (a var, or a call/composite for `f(x).y`, `[1,2][0]`). Dot access is a string term. */
export interface RefTerm {
  type: "ref";
  terms: Term[];
  loc: Location;
}
export interface ArrayTerm {
  type: "array";
  items: Term[];
  loc: Location;
}
export interface ObjectTerm {
  type: "object";
  entries: [Term, Term][];
  loc: Location;
}
export interface SetTerm {
  type: "set";
  items: Term[];
  loc: Location;
}
export interface ArrayComprehension {
  type: "arraycomp";
  term: Term;
  body: Body;
  loc: Location;
}
export interface SetComprehension {
  type: "setcomp";
  term: Term;
  body: Body;
  loc: Location;
}
export interface ObjectComprehension {
  type: "objectcomp";
  key: Term;
  value: Term;
  body: Body;
  loc: Location;
}
/** A call used as a term (`x := count(y)`, `f(a)[0]`): `op` is a ref term naming the function. */
export interface CallTerm {
  type: "call";
  op: RefTerm;
  args: Term[];
  loc: Location;
}
/** v1 template strings `$"hello {name}"`: literal parts and embedded expressions' terms. */
export interface TemplateStringTerm {
  type: "template";
  /**
   * Literal text, or the embedded expression: a term (`{x}`, `{x + 1}` as a call term), or — only
   * when the expression carries `with` modifiers (`{a with input as 1}`) — a TemplateExprPart.
   */
  parts: (string | Term | TemplateExprPart)[];
  loc: Location;
}

/** A template-string expression with `with` modifiers, which a term cannot carry. */
export interface TemplateExprPart {
  type: "expr";
  expr: Expr;
  loc: Location;
}

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm
  | TemplateStringTerm;

// ---------------------------------------------------------------------------------------------- expressions

/** A bare term used as a statement (`input.x`, `f(x)` as a call is an ExprCall). */
export interface ExprTerm {
  type: "term";
  term: Term;
}
/** An operator or function call statement: `x = y`, `x := 1`, `count(a) > 1`, `f(x)`, `x in xs`. */
export interface ExprCall {
  type: "call";
  op: RefTerm;
  args: Term[];
}
/** `some x, y` (declaration only). */
export interface ExprSome {
  type: "some";
  vars: VarTerm[];
}
/** `some v in xs` / `some k, v in xs`. */
export interface ExprSomeIn {
  type: "somein";
  key?: Term;
  value: Term;
  collection: Term;
}
/** `every v in xs { … }` / `every k, v in xs { … }`. */
export interface ExprEvery {
  type: "every";
  key?: Term;
  value: Term;
  domain: Term;
  body: Body;
}

/**
 * A braced query used as an expression: `not { … }` (future keyword `not`) and the braced operands
 * of `and`/`or`. Its variables are local to it (outer bindings are visible inside, nothing leaks out).
 */
export interface ExprQuery {
  type: "query";
  query: Body;
}

/**
 * Experimental logical operators (`import future.keywords.and` / `.or`, OPA experimental keywords;
 * conformance folder logic_operators). `and` binds tighter than `or`, `not` tighter than both;
 * parentheses group. Operands are expressions (possibly negated), braced queries or nested logic.
 * The whole expression succeeds at most once and binds no variables outside its operands; a `with`
 * written after the chain is on the outer Expr and applies to every operand.
 */
export interface ExprLogic {
  type: "logic";
  op: "and" | "or";
  left: Expr;
  right: Expr;
}

export interface With {
  /** `input…`, `data…` or a function/builtin ref being mocked. */
  target: RefTerm;
  value: Term;
  loc: Location;
}

export interface Expr {
  body: ExprTerm | ExprCall | ExprSome | ExprSomeIn | ExprEvery | ExprQuery | ExprLogic;
  negated: boolean;
  with: With[];
  loc: Location;
  /** Set by the compiler for rewritten/generated expressions. */
  generated?: boolean;
}

export type Body = Expr[];

// ---------------------------------------------------------------------------------------------- rules

/**
 * Kinds follow OPA: a "complete" rule defines one value at its ref; "partial_set" (`contains`, v0 `p[x]`
 * without a value) adds members to a set; "partial_object" (v0 `p[k] = v`, or a ref head whose last term
 * is a variable) adds keys; "function" takes arguments.
 */
export type RuleKind = "complete" | "partial_set" | "partial_object" | "function";

export interface RuleHead {
  /** The rule's ref relative to the package: `p` → [var p]; `a.b[x]` → [var a, string b, var x]. */
  ref: Term[];
  /** Function arguments. */
  args?: Term[];
  /**
   * Partial set member (`p contains k`, v0 `p[k] { … }`: then `ref` is `[p]`), or, for partial_object,
   * the last ref term (`p[k] := v` → ref [p, k], key k). Absent for complete rules and functions.
   * The parser sets `kind` from the shape: function if `args`; partial_set if `key` without `value`;
   * partial_object if the ref has 2+ terms and its last is not ground; else complete. Ref heads may
   * hold vars before the last term too (`p[x].q := 1`): such a rule is "complete" at each binding.
   */
  key?: Term;
  /** The value; absent means `true` (or, for partial sets, nothing). */
  value?: Term;
  /** `:=` rather than `=`. */
  assign: boolean;
  kind: RuleKind;
  loc: Location;
}

export interface Rule {
  head: RuleHead;
  body: Body;
  /** Rule- and document-scoped annotations that apply to this rule (OPA attachRuleAnnotations). */
  annotations?: Annotations[];
  /** `else [= value] { … }` chain. */
  else?: Rule;
  default: boolean;
  loc: Location;
}

export interface Import {
  /** `data.foo.bar`, `input.x`, `future.keywords.in`, `rego.v1`. */
  path: RefTerm;
  alias?: string;
  loc: Location;
}

export interface Package {
  /** Path below `data`: `package a.b["c.d"]` → ["a", "b", "c.d"]. */
  path: string[];
  loc: Location;
}

export interface Module {
  file: string;
  version: RegoVersion;
  package: Package;
  imports: Import[];
  rules: Rule[];
  /** `# METADATA` blocks of the module, in source order (absent when there are none). */
  annotations?: Annotations[];
}

/**
 * A `# METADATA` comment block (OPA v1/ast/annotations.go), with OPA's JSON field names so that
 * `rego.metadata.rule()` / `chain()` can return it as is (minus `loc` and `target`).
 */
export interface Annotations {
  /** "rule", "document", "package" or "subpackages" (defaulted from what the block precedes). */
  scope: string;
  title?: string;
  entrypoint?: boolean;
  description?: string;
  organizations?: string[];
  related_resources?: { ref: string; description?: string }[];
  authors?: { name?: string; email?: string }[];
  /** `path` and `schema` are refs as arrays of strings: data.servers → ["data", "servers"]. */
  schemas?: { path: string[]; schema?: string[]; definition?: unknown }[];
  custom?: Record<string, unknown>;
  labels?: Record<string, unknown>;
  /** The `# METADATA` line. */
  loc: Location;
  /**
   * The statement the block precedes: the package (path below `data`), or a rule (its ref's ground
   * prefix, relative to the package, as OPA's GetTargetPath).
   */
  target: { kind: "package"; path: string[] } | { kind: "rule"; ref: Term[] };
}
