/**
 * The compiled form of Rego the evaluator runs: vars are resolved to frame slots, global names to
 * `data`/`input` refs, calls to builtins or user functions, and bodies are reordered for safety.
 */
import type { Location, RuleKind } from "../syntax/ast.ts";
import type { BuiltinDef } from "../builtins/types.ts";
import type { Value } from "../value/value.ts";

export type CTerm =
  | { k: "const"; v: Value }
  | { k: "var"; slot: number; name: string }
  | { k: "input" }
  | { k: "data" }
  | {
      k: "ref";
      head: CTerm;
      path: CTerm[];
      /** Evaluator cache: the rule node a constant `data` prefix resolves to. */
      prefix?: RefPrefix;
    }
  | { k: "array"; items: CTerm[] }
  | { k: "object"; entries: [CTerm, CTerm][] }
  | { k: "set"; items: CTerm[] }
  | { k: "arraycomp"; term: CTerm; body: CBody }
  | { k: "setcomp"; term: CTerm; body: CBody }
  | { k: "objectcomp"; key: CTerm; value: CTerm; body: CBody }
  | { k: "call"; fn: Callable; args: CTerm[]; loc: Location }
  | { k: "template"; parts: (string | CTerm)[]; loc: Location }
  /** A term under `with` modifiers (template-string parts `{x with input as v}`). */
  | { k: "with"; t: CTerm; with: CWith[] };

export interface RefPrefix {
  root: RuleNode;
  data: unknown;
  node: RuleNode;
  base: Value | undefined;
  i: number;
}

/** A function a call resolves to: a builtin (possibly a host extension) or user rules at a data path. */
export type Callable =
  | { kind: "builtin"; name: string; def: BuiltinDef }
  | {
      kind: "user";
      name: string;
      path: string[];
      /** The rule-tree node, cached by the evaluator on first call. */
      node?: RuleNode;
    };

export type CExpr =
  | { k: "term"; t: CTerm }
  | { k: "unify"; a: CTerm; b: CTerm }
  | {
      k: "call";
      fn: Callable;
      args: CTerm[];
      /** Evaluator caches: the call as a term (inputs only) and the callee's arity. */
      asTerm?: CTerm;
      arity?: number;
    }
  | { k: "somein"; key?: CTerm; value: CTerm; coll: CTerm }
  | { k: "every"; key?: CTerm; value: CTerm; domain: CTerm; body: CBody }
  | { k: "print"; args: CTerm[] }
  /** Braced queries (`not { … }`) and experimental `and`/`or`: succeeds once if any body has a solution. */
  | { k: "query"; bodies: CBody[] }
  | { k: "nop" };

export interface CWith {
  /** `input` and `data` targets carry the path below the root; function/builtin targets their name. */
  target: "input" | "data" | "builtin";
  path: string[];
  name: string;
  value: CTerm;
  /** Set when the value names a function (mocking by another function). */
  fnValue?: Callable;
}

export interface CLit {
  expr: CExpr;
  negated: boolean;
  with: CWith[];
  loc: Location;
}

/** A body plus the slots its own scope (and nested scopes) own, for closure analysis. */
export interface CBody {
  lits: CLit[];
  owned: Set<number>;
  /** Evaluator cache: `lits` without plain print literals, run when printing is off. */
  quiet?: CLit[];
}

export interface CRule {
  kind: RuleKind;
  /** Full path below `data` of the ground prefix (the rule-tree node holding the rule). */
  path: string[];
  /** Remaining head ref terms below the node (ref heads with vars, v0 partial object keys). */
  suffix: CTerm[];
  args?: CTerm[];
  key?: CTerm;
  value?: CTerm;
  /** True when value (and key/suffix) contain no vars: one solution is enough (early exit). */
  groundHead: boolean;
  body: CBody;
  nslots: number;
  else?: CRule;
  isDefault: boolean;
  /** Evaluator cache: every arg pattern is a var or a constant (bound without unification). */
  plainArgs?: boolean;
  /** Evaluator cache: the definition's equality guards on its args (eval/fn-index.ts). */
  guards?: unknown;
  loc: Location;
}

export interface RuleNode {
  id: number;
  path: string[];
  children: Map<string, RuleNode>;
  rules: CRule[];
  defaultRule?: CRule;
  /** A package path: defined (at least `{}`) even without rules. */
  pkg?: boolean;
  /** Function arity when the rules here are functions. */
  arity?: number;
  /**
   * The evaluation currently computing this node (recursion check). A field, not a per-evaluation
   * set, because it is cheaper; saved and restored around each use so nested evaluations compose.
   */
  activeIn?: object;
}
