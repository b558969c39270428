/**
 * Top-down evaluation with backtracking in continuation-passing style (OPA v1/topdown/eval.go).
 *
 * Every eval function takes a continuation and returns `true` to stop the search (early exit,
 * existence checks) or `false` to keep backtracking. Bindings live in a slot array per rule frame;
 * a binding is undone when its continuation returns, so no trail is needed.
 */
import { BuiltinError, RegoError } from "../errors.ts";
import type { BuiltinContext, BuiltinDef, HostHooks } from "../builtins/types.ts";
import type { Location } from "../syntax/ast.ts";
import { RObject, RSet, keyOf, type Value } from "../value/value.ts";
import { fastEquals } from "./equality.ts";
import { guardsOf, guardsPass, quietLits } from "./fn-index.ts";
import { formatValue } from "../value/format.ts";
import type { CBody, CExpr, CLit, CRule, CTerm, Callable, RuleNode } from "../compile/ir.ts";
import { iterate, lookup, setIn, storeLookup } from "./values.ts";
import { conflict, insertAt, mergeDocs, tree } from "./documents.ts";

type K = () => boolean;
type VK = (v: Value) => boolean;
export type Frame = (Value | undefined)[];

export interface EvalLimits {
  /** Literal evaluations per query before `eval_limit_error`. */
  maxSteps: number;
  /** Nested rule/function evaluations before `eval_limit_error`. */
  maxDepth: number;
  /** Largest JSON input/data text accepted (bytes, counted as UTF-16 units). */
  maxInputBytes: number;
}

// Generous defaults: a Kata request takes ~10^4 steps; OPA itself has no step limit, so these only
// stop runaway evaluation. 64 MiB of input is far above any agent or attestation request.
export const DEFAULT_LIMITS: EvalLimits = {
  maxSteps: 50_000_000,
  maxDepth: 2_000,
  maxInputBytes: 64 * 1024 * 1024,
};

export interface EvalOptions {
  root: RuleNode;
  data: Value;
  input: Value | undefined;
  strict: boolean;
  hooks: HostHooks;
  /** Receives formatted print lines; absent disables print (as OPA erases print calls). */
  print?: (line: string) => void;
  limits?: EvalLimits;
}

type Mock = { fn?: Callable; value?: Value };

const ARGS_BOUND = 0;
const ARGS_MISMATCH = 1;
const ARGS_UNIFY = 2;

const LIT_OK = -1;
const LIT_FAIL = -2;
const LIT_MISS = -3;

/** Rule-tree nodes of compiled call paths (path arrays are immutable parts of the compiled IR). */
const nodeByPath = new WeakMap<readonly string[], RuleNode>();

/** "Not computable without enumeration": the caller falls back to continuation-passing evaluation. */
const MISS = Symbol("miss");

const TRUE_TERM: CTerm = { k: "const", v: true };

export class Evaluation {
  readonly root: RuleNode;
  input: Value | undefined;
  data: Value;
  readonly strict: boolean;
  readonly print: ((line: string) => void) | undefined;
  readonly limits: EvalLimits;
  readonly bctx: BuiltinContext;
  /** Builtin errors recorded in non-strict mode (OPA returns them only in strict mode); not located. */
  readonly errors: BuiltinError[] = [];

  private cache = new Map<number, Value | null>();
  /** Function results by rule-node id, then by the call's args (memoKeyOf). */
  private fnCache = new Map<number, Map<string, Value | null>>();
  private overridden: Set<string> | undefined;
  private fnMocks: Map<string, Mock> | undefined;
  private builtinMocks: Map<string, Mock> | undefined;
  private steps = 0;
  /** Slots bound by evalBody's continuation-free loop, unbound when their body returns. */
  private readonly trail: number[] = [];
  private depth = 0;

  constructor(o: EvalOptions) {
    this.root = o.root;
    this.data = o.data;
    this.input = o.input;
    this.strict = o.strict;
    this.print = o.print;
    this.limits = o.limits ?? DEFAULT_LIMITS;
    this.bctx = { hooks: o.hooks, strict: o.strict, cache: new Map() };
  }

  // ------------------------------------------------------------------------------------ bodies

  /** The literals to run: all of them when printing, else without plain prints (quietLits). */
  private litsOf(b: CBody): CLit[] {
    return this.print ? b.lits : quietLits(b);
  }

  evalBody(lits: CLit[], i: number, f: Frame, k: K): boolean {
    // Literals with at most one solution and no enumeration run in a loop without continuations;
    // the vars they bind are unbound again when the rest of the body returns.
    // Those slots go on the evaluation's trail (nested bodies unwind theirs first: it is a stack).
    const trail = this.trail;
    const mark = trail.length;
    let result: boolean;
    for (; i < lits.length; i++) {
      const r = this.directLit(lits[i]!, f);
      if (r === LIT_MISS) break;
      if (r === LIT_FAIL) {
        unwind(trail, mark, f);
        return false;
      }
      if (r >= 0) trail.push(r);
    }
    if (i === lits.length) result = k();
    else if (i + 1 === lits.length) result = this.evalLit(lits[i]!, f, k);
    else {
      const next = i + 1;
      result = this.evalLit(lits[i]!, f, () => this.evalBody(lits, next, f, k));
    }
    unwind(trail, mark, f);
    return result;
  }

  /**
   * Evaluates a literal without continuations when it is deterministic: LIT_OK (succeeded, nothing
   * bound), a slot number (succeeded, that slot was bound), LIT_FAIL, or LIT_MISS (use CPS).
   */
  private directLit(lit: CLit, f: Frame): number {
    if (lit.with.length > 0) return LIT_MISS;
    const e = lit.expr;
    let ok: boolean;
    switch (e.k) {
      case "nop":
        ok = true;
        break;
      case "print":
        if (lit.negated) return LIT_MISS;
        this.step(lit.loc);
        this.doPrint(e.args, lit.loc, f);
        return LIT_OK;
      case "term": {
        const v = this.direct(e.t, f);
        if (v === MISS) return LIT_MISS;
        ok = v !== undefined && v !== false;
        break;
      }
      case "call": {
        let arity = e.arity;
        if (arity === undefined) e.arity = arity = this.arityOf(e.fn);
        let term = e.asTerm;
        if (term === undefined) {
          e.asTerm = term = { k: "call", fn: e.fn, args: e.args.slice(0, arity), loc: lit.loc };
        }
        if (e.args.length === arity) {
          const v = this.direct(term, f);
          if (v === MISS) return LIT_MISS;
          ok = v !== undefined && v !== false;
          break;
        }
        const out = e.args[arity];
        if (lit.negated || e.args.length !== arity + 1 || out?.k !== "var" || f[out.slot] !== undefined)
          return LIT_MISS;
        const v = this.direct(term, f);
        if (v === MISS) return LIT_MISS;
        this.step(lit.loc);
        if (v === undefined) return LIT_FAIL;
        f[out.slot] = v;
        return out.slot;
      }
      case "unify": {
        if (lit.negated) return LIT_MISS;
        let a = e.a;
        let b = e.b;
        if (b.k === "var" && f[b.slot] === undefined) [a, b] = [b, a];
        if (a.k === "var" && f[a.slot] === undefined) {
          const v = this.direct(b, f);
          if (v === MISS) return LIT_MISS;
          this.step(lit.loc);
          if (v === undefined) return LIT_FAIL;
          f[a.slot] = v;
          return a.slot;
        }
        if (this.hasUnboundPattern(a, f) || this.hasUnboundPattern(b, f)) return LIT_MISS;
        const x = this.direct(a, f);
        if (x === MISS) return LIT_MISS;
        const y = x === undefined ? undefined : this.direct(b, f);
        if (y === MISS) return LIT_MISS;
        this.step(lit.loc);
        return x !== undefined && y !== undefined && fastEquals(x, y) ? LIT_OK : LIT_FAIL;
      }
      default:
        return LIT_MISS;
    }
    this.step(lit.loc);
    return ok !== lit.negated ? LIT_OK : LIT_FAIL;
  }

  private step(loc: Location): void {
    if (++this.steps > this.limits.maxSteps) {
      throw new RegoError("eval_limit_error", `evaluation exceeded ${this.limits.maxSteps} steps`, loc);
    }
  }

  evalLit(lit: CLit, f: Frame, k: K): boolean {
    if (++this.steps > this.limits.maxSteps) {
      throw new RegoError("eval_limit_error", `evaluation exceeded ${this.limits.maxSteps} steps`, lit.loc);
    }
    if (lit.with.length > 0) return this.evalWith(lit, f, k);
    return this.evalLitInner(lit, f, k);
  }

  private evalLitInner(lit: CLit, f: Frame, k: K): boolean {
    if (lit.negated) {
      let found = false;
      this.evalExpr(lit.expr, lit.loc, f, () => (found = true));
      return found ? false : k();
    }
    return this.evalExpr(lit.expr, lit.loc, f, k);
  }

  private evalExpr(e: CExpr, loc: Location, f: Frame, k: K): boolean {
    switch (e.k) {
      case "nop":
        return k();
      case "term":
        return this.evalTerm(e.t, f, (v) => (v !== false ? k() : false));
      case "unify":
        return this.unify(e.a, e.b, f, k);
      case "call":
        return this.callStatement(e.fn, e.args, loc, f, k);
      case "print":
        this.doPrint(e.args, loc, f);
        return k();
      case "query": {
        let found = false;
        for (const b of e.bodies) {
          this.evalBody(this.litsOf(b), 0, f, () => (found = true));
          if (found) break;
        }
        return found ? k() : false;
      }
      case "somein": {
        const kt = e.key;
        const vt = e.value;
        return this.evalTerm(e.coll, f, (c) => {
          // `some k, v in xs` with fresh vars (the usual form): bind both slots without
          // unification closures; each binding is a step, as bind() counts them.
          if (vt.k === "var" && f[vt.slot] === undefined) {
            const vs = vt.slot;
            if (kt === undefined) {
              return iterate(c, (_key, val) => this.bind(vs, val, f, k));
            }
            if (kt.k === "var" && kt.slot !== vs && f[kt.slot] === undefined) {
              const ks = kt.slot;
              return iterate(c, (key, val) => {
                this.step(loc);
                f[ks] = key;
                const r = this.bind(vs, val, f, k);
                f[ks] = undefined;
                return r;
              });
            }
          }
          return iterate(c, (key, val) =>
            kt ? this.unifyV(kt, key, f, () => this.unifyV(vt, val, f, k)) : this.unifyV(vt, val, f, k),
          );
        });
      }
      case "every":
        return this.evalTerm(e.domain, f, (d) => {
          if (!(Array.isArray(d) || d instanceof RObject || d instanceof RSet)) return false;
          const failed = iterate(d, (key, val) => {
            let ok = false;
            const run = (): boolean => this.evalBody(this.litsOf(e.body), 0, f, () => (ok = true));
            if (e.key) this.unifyV(e.key, key, f, () => this.unifyV(e.value, val, f, run));
            else this.unifyV(e.value, val, f, run);
            return !ok;
          });
          return failed ? false : k();
        });
    }
  }

  private doPrint(args: CTerm[], loc: Location, f: Frame): void {
    if (!this.print) return;
    const operands: string[][] = args.map((a) => {
      const out: string[] = [];
      const seen = new Set<string>();
      this.evalTerm(a, f, (v) => {
        const key = keyOf(v);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(typeof v === "string" ? v : formatValue(v));
        }
        return false;
      });
      return out.length === 0 ? ["<undefined>"] : out;
    });
    const emit = (i: number, acc: string[]): void => {
      if (i === operands.length) {
        this.print!(`${loc.file}:${loc.row}: ${acc.join(" ")}`);
        return;
      }
      for (const s of operands[i]!) emit(i + 1, [...acc, s]);
    };
    emit(0, []);
  }

  // ------------------------------------------------------------------------------------ with

  private evalWith(lit: CLit, f: Frame, k: K, inner?: () => boolean): boolean {
    const values: Value[] = [];
    const collect = (i: number): boolean => {
      if (i === lit.with.length) return this.applyWith(lit, values, f, k, inner);
      const w = lit.with[i]!;
      if (w.fnValue) {
        values[i] = null;
        return collect(i + 1);
      }
      return this.evalTerm(w.value, f, (v) => {
        values[i] = v;
        return collect(i + 1);
      });
    };
    return collect(0);
  }

  private applyWith(lit: CLit, values: Value[], f: Frame, k: K, inner?: () => boolean): boolean {
    const saved = this.saveState();
    for (let i = 0; i < lit.with.length; i++) {
      const w = lit.with[i]!;
      const v = values[i]!;
      if (w.target === "input") {
        this.input = w.path.length === 0 ? v : setIn(this.input, w.path, v);
      } else if (w.target === "builtin") {
        this.builtinMocks = new Map(this.builtinMocks);
        this.builtinMocks.set(w.name, w.fnValue ? { fn: w.fnValue } : { value: v });
      } else {
        const node = this.nodeAt(w.path);
        if (node?.arity !== undefined) {
          this.fnMocks = new Map(this.fnMocks);
          this.fnMocks.set(w.path.join("\u0000"), w.fnValue ? { fn: w.fnValue } : { value: v });
        } else {
          this.data = setIn(this.data, w.path, v);
          this.overridden = new Set(this.overridden);
          this.overridden.add(w.path.join("\u0000"));
        }
      }
    }
    this.cache = new Map();
    this.fnCache = new Map();
    const withState = this.saveState();
    try {
      if (inner) return inner();
      return this.evalLitInner(lit, f, () => {
        this.restoreState(saved);
        try {
          return k();
        } finally {
          this.restoreState(withState);
        }
      });
    } finally {
      this.restoreState(saved);
    }
  }

  private saveState(): WithState {
    return {
      input: this.input,
      data: this.data,
      overridden: this.overridden,
      fnMocks: this.fnMocks,
      builtinMocks: this.builtinMocks,
      cache: this.cache,
      fnCache: this.fnCache,
    };
  }

  private restoreState(s: WithState): void {
    this.input = s.input;
    this.data = s.data;
    this.overridden = s.overridden;
    this.fnMocks = s.fnMocks;
    this.builtinMocks = s.builtinMocks;
    this.cache = s.cache;
    this.fnCache = s.fnCache;
  }

  private nodeAt(path: readonly string[]): RuleNode | undefined {
    let n: RuleNode | undefined = this.root;
    for (const s of path) {
      n = n.children.get(s);
      if (!n) return undefined;
    }
    return n;
  }

  // ------------------------------------------------------------------------------------ unification

  private bind(slot: number, v: Value, f: Frame, k: K): boolean {
    // Each binding is a step too: enumeration without further literals must also hit the budget.
    if (++this.steps > this.limits.maxSteps) {
      throw new RegoError("eval_limit_error", `evaluation exceeded ${this.limits.maxSteps} steps`);
    }
    f[slot] = v;
    const r = k();
    f[slot] = undefined;
    return r;
  }

  unify(a: CTerm, b: CTerm, f: Frame, k: K): boolean {
    if (a.k === "var") {
      const va = f[a.slot];
      if (va === undefined) {
        if (b.k === "var" && f[b.slot] === undefined) {
          throw new RegoError("rego_unsafe_var_error", `var ${a.name} is unsafe`);
        }
        const v = this.direct(b, f);
        if (v !== MISS) return v === undefined ? false : this.bind(a.slot, v, f, k);
        return this.evalTerm(b, f, (v) =>
          f[a.slot] === undefined ? this.bind(a.slot, v, f, k) : this.unifyV(a, v, f, k),
        );
      }
      return this.unifyV(b, va, f, k);
    }
    if (b.k === "var") return this.unify(b, a, f, k);
    if (a.k === "array" && b.k === "array") {
      if (a.items.length !== b.items.length) return false;
      return this.unifyPairs(a.items, b.items, 0, f, k);
    }
    if (
      a.k === "object" &&
      b.k === "object" &&
      this.hasUnboundPattern(a, f) &&
      this.hasUnboundPattern(b, f)
    ) {
      // Both sides are patterns: pair the values by (ground) key and unify them pairwise.
      if (a.entries.length !== b.entries.length) return false;
      const bKeys = new Map<string, CTerm>();
      for (const [kt, vt] of b.entries) {
        const kv = this.direct(kt, f);
        if (kv === MISS || kv === undefined) return false;
        bKeys.set(keyOf(kv), vt);
      }
      const xs: CTerm[] = [];
      const ys: CTerm[] = [];
      for (const [kt, vt] of a.entries) {
        const kv = this.direct(kt, f);
        if (kv === MISS || kv === undefined) return false;
        const other = bKeys.get(keyOf(kv));
        if (!other) return false;
        xs.push(vt);
        ys.push(other);
      }
      return this.unifyPairs(xs, ys, 0, f, k);
    }
    if (this.hasUnboundPattern(a, f)) return this.evalTerm(b, f, (v) => this.unifyV(a, v, f, k));
    return this.evalTerm(a, f, (v) => this.unifyV(b, v, f, k));
  }

  private unifyPairs(a: CTerm[], b: CTerm[], i: number, f: Frame, k: K): boolean {
    if (i === a.length) return k();
    // A pair whose two sides are both unbound vars waits until later pairs have bound one of them.
    for (let j = i; j < a.length; j++) {
      const x = a[j]!;
      const y = b[j]!;
      const stuck = x.k === "var" && y.k === "var" && f[x.slot] === undefined && f[y.slot] === undefined;
      if (!stuck) {
        if (j !== i) {
          a = [...a];
          b = [...b];
          [a[i], a[j]] = [a[j]!, a[i]!];
          [b[i], b[j]] = [b[j]!, b[i]!];
        }
        return this.unify(a[i]!, b[i]!, f, () => this.unifyPairs(a, b, i + 1, f, k));
      }
    }
    throw new RegoError("rego_unsafe_var_error", `var ${(a[i] as { name: string }).name} is unsafe`);
  }

  private hasUnboundPattern(t: CTerm, f: Frame): boolean {
    switch (t.k) {
      case "var":
        return f[t.slot] === undefined;
      case "array":
        return t.items.some((x) => this.hasUnboundPattern(x, f));
      case "object":
        return t.entries.some(([, x]) => this.hasUnboundPattern(x, f));
      default:
        return false;
    }
  }

  /** Unifies a term with a ground value. */
  unifyV(t: CTerm, v: Value, f: Frame, k: K): boolean {
    switch (t.k) {
      case "const":
        return fastEquals(t.v, v) ? k() : false;
      case "var": {
        const cur = f[t.slot];
        if (cur === undefined) return this.bind(t.slot, v, f, k);
        return fastEquals(cur, v) ? k() : false;
      }
      case "array": {
        if (!Array.isArray(v) || v.length !== t.items.length) return false;
        return this.unifyItemsV(t.items, v as readonly Value[], 0, f, k);
      }
      case "object": {
        if (!(v instanceof RObject) || v.size !== t.entries.length) return false;
        return this.unifyEntriesV(t.entries, v, 0, f, k);
      }
      default:
        return this.evalTerm(t, f, (x) => (fastEquals(x, v) ? k() : false));
    }
  }

  private unifyItemsV(items: CTerm[], v: readonly Value[], i: number, f: Frame, k: K): boolean {
    if (i === items.length) return k();
    return this.unifyV(items[i]!, v[i]!, f, () => this.unifyItemsV(items, v, i + 1, f, k));
  }

  private unifyEntriesV(entries: [CTerm, CTerm][], v: RObject, i: number, f: Frame, k: K): boolean {
    if (i === entries.length) return k();
    const [kt, vt] = entries[i]!;
    return this.evalTerm(kt, f, (key) => {
      const x = v.get(key);
      if (x === undefined) return false;
      return this.unifyV(vt, x, f, () => this.unifyEntriesV(entries, v, i + 1, f, k));
    });
  }

  // ------------------------------------------------------------------------------------ terms

  evalTerm(t: CTerm, f: Frame, k: VK): boolean {
    switch (t.k) {
      case "const":
        return k(t.v);
      case "var": {
        const v = f[t.slot];
        if (v === undefined) throw new RegoError("rego_unsafe_var_error", `var ${t.name} is unsafe`);
        return k(v);
      }
      case "input":
        return this.input === undefined ? false : k(this.input);
      case "data": {
        const v = this.namespaceValue(this.root, this.data, "");
        return v === undefined ? false : k(v);
      }
      case "ref": {
        const v = this.direct(t, f);
        if (v !== MISS) return v === undefined ? false : k(v);
        return this.evalRef(t, f, k);
      }
      case "array":
        return this.evalItems(t.items, 0, new Array(t.items.length), f, (vs) => k(vs));
      case "set":
        return this.evalItems(t.items, 0, new Array(t.items.length), f, (vs) => k(RSet.of(vs)));
      case "object":
        return this.evalEntries(t.entries, 0, new Array(t.entries.length), f, (es) => {
          return k(RObject.fromEntries(es));
        });
      case "arraycomp": {
        const out: Value[] = [];
        this.evalBody(this.litsOf(t.body), 0, f, () =>
          this.evalTerm(t.term, f, (v) => {
            out.push(v);
            return false;
          }),
        );
        return k(out);
      }
      case "setcomp": {
        const out = new RSet();
        this.evalBody(this.litsOf(t.body), 0, f, () =>
          this.evalTerm(t.term, f, (v) => {
            out.add(v);
            return false;
          }),
        );
        return k(out);
      }
      case "objectcomp": {
        const out = new RObject();
        this.evalBody(this.litsOf(t.body), 0, f, () =>
          this.evalTerm(t.key, f, (key) =>
            this.evalTerm(t.value, f, (v) => {
              const cur = out.get(key);
              if (cur !== undefined && !fastEquals(cur, v))
                throw conflict("object keys must be unique", undefined);
              out.set(key, v);
              return false;
            }),
          ),
        );
        return k(out);
      }
      case "call": {
        const v = this.direct(t, f);
        if (v !== MISS) return v === undefined ? false : k(v);
        return this.callTerm(t.fn, t.args, t.loc, f, k);
      }
      case "template":
        return this.evalTemplate(t.parts, t.loc, f, k);
      case "with": {
        const lit: CLit = {
          expr: { k: "nop" },
          negated: false,
          with: t.with,
          loc: { file: "", row: 0, col: 0 },
        };
        const values: Value[] = [];
        const collect = (): boolean =>
          this.evalTerm(t.t, f, (v) => {
            values.push(v);
            return false;
          });
        this.evalWith(lit, f, () => false, collect);
        for (const v of values) if (k(v)) return true;
        return false;
      }
    }
  }

  /**
   * Fast path: the single value of a term that needs no enumeration (constants, bound vars, refs
   * whose keys are all known, calls of such terms), without continuations. MISS means "use CPS";
   * undefined means the term is undefined.
   */
  private direct(t: CTerm, f: Frame): Value | undefined | typeof MISS {
    switch (t.k) {
      case "const":
        return t.v;
      case "var": {
        const v = f[t.slot];
        return v === undefined ? MISS : v;
      }
      case "input":
        return this.input;
      case "ref": {
        let v: Value | undefined;
        let i = 0;
        const path = t.path;
        if (t.head.k === "data") {
          let node: RuleNode | undefined = this.root;
          let base: Value | undefined = this.data;
          let pathKey = "";
          if (this.overridden === undefined) {
            // Constant prefixes ending at a rule (`data.pkg.rule…`) resolve once per data document.
            const hit = t.prefix;
            if (hit && hit.root === this.root && hit.data === this.data) {
              node = hit.node;
              base = hit.base;
              i = hit.i;
            } else {
              let j = 0;
              let n: RuleNode | undefined = this.root;
              let b: Value | undefined = this.data;
              for (; j < path.length && n && !(n.rules.length > 0 || n.defaultRule); j++) {
                const key = path[j]!;
                if (key.k !== "const" || typeof key.v !== "string") break;
                b = b === undefined ? undefined : storeLookup(b, key.v);
                n = n.children.get(key.v);
              }
              if (n && (n.rules.length > 0 || n.defaultRule)) {
                t.prefix = { root: this.root, data: this.data, node: n, base: b, i: j };
                node = n;
                base = b;
                i = j;
              }
            }
          }
          for (; i < path.length; i++) {
            if (node.rules.length > 0 || node.defaultRule) break;
            const key = this.direct(path[i]!, f);
            if (key === MISS) return MISS;
            if (key === undefined) return undefined;
            base = base === undefined ? undefined : storeLookup(base, key);
            if (typeof key !== "string") {
              node = undefined;
              i++;
              break;
            }
            pathKey = this.childKey(pathKey, key);
            const child: RuleNode | undefined = this.overridden?.has(pathKey)
              ? undefined
              : node.children.get(key);
            if (!child) {
              node = undefined;
              i++;
              break;
            }
            node = child;
          }
          if (node === undefined) {
            v = base;
            for (; i < path.length; i++) {
              if (v === undefined) return undefined;
              const key = this.direct(path[i]!, f);
              if (key === MISS) return MISS;
              if (key === undefined) return undefined;
              v = storeLookup(v, key);
            }
            return v;
          } else if (node.rules.length > 0 || node.defaultRule) {
            v = node.arity !== undefined ? this.fnAsValue(node) : this.nodeValue(node, base, pathKey);
          } else if (i === path.length) v = this.namespaceValue(node, base, pathKey);
          else return MISS;
        } else {
          const h = this.direct(t.head, f);
          if (h === MISS || h === undefined) return h;
          v = h;
        }
        for (; i < path.length; i++) {
          if (v === undefined) return undefined;
          const p = path[i]!;
          let key: Value | undefined | typeof MISS;
          if (p.k === "const") key = p.v;
          else if (p.k === "var") {
            key = f[p.slot];
            if (key === undefined) return MISS;
          } else {
            key = this.direct(p, f);
            if (key === MISS) return MISS;
            if (key === undefined) return undefined;
          }
          v = lookup(v, key);
        }
        return v;
      }
      case "array": {
        // Literal arrays of direct items (`concat("/", [prefix, x])`): one value, no enumeration.
        const items = t.items;
        const out: Value[] = new Array(items.length);
        for (let i = 0; i < items.length; i++) {
          const v = this.direct(items[i]!, f);
          if (v === MISS || v === undefined) return v;
          out[i] = v;
        }
        return out;
      }
      case "call": {
        const fn = t.fn;
        if (fn.kind === "builtin" && (fn.def.relation || this.builtinMocks)) return MISS;
        if (fn.kind === "user" && this.fnMocks) return MISS;
        const arity = fn.kind === "builtin" ? fn.def.arity : t.args.length;
        if (t.args.length !== arity) return MISS;
        const args: Value[] = new Array(arity);
        for (let i = 0; i < arity; i++) {
          const p = t.args[i]!;
          let a: Value | undefined | typeof MISS;
          if (p.k === "const") a = p.v;
          else if (p.k === "var") {
            a = f[p.slot];
            if (a === undefined) return MISS;
          } else {
            a = this.direct(p, f);
            if (a === MISS) return MISS;
            if (a === undefined) return undefined;
          }
          args[i] = a;
        }
        if (fn.kind === "user") return this.callUser(fn.path, args, t.loc, this.userNode(fn));
        try {
          return fn.def.fn(args, this.bctx);
        } catch (e) {
          this.builtinFailure(fn.def, e, t.loc);
          return undefined;
        }
      }
      default:
        return MISS;
    }
  }

  private evalTemplate(parts: (string | CTerm)[], loc: Location, f: Frame, k: VK): boolean {
    let s = "";
    for (const p of parts) {
      if (typeof p === "string") {
        s += p;
        continue;
      }
      const vals: Value[] = [];
      this.evalTerm(p, f, (v) => {
        vals.push(v);
        return false;
      });
      if (vals.length > 1 && new Set(vals.map(keyOf)).size > 1) {
        throw new BuiltinError("eval_conflict_error", "template-strings must not produce multiple outputs", {
          halt: true,
          location: loc,
        });
      }
      if (vals.length === 0) s += "<undefined>";
      else s += typeof vals[0] === "string" ? vals[0] : formatValue(vals[0]!);
    }
    return k(s);
  }

  private evalItems(items: CTerm[], i: number, acc: Value[], f: Frame, k: (vs: Value[]) => boolean): boolean {
    if (i === items.length) return k(acc.slice());
    const t = items[i]!;
    if (t.k === "var" && f[t.slot] === undefined) {
      // `f(x, a[x])`: evaluate the items that bind vars first, the bare var last.
      const order = items.map((_, j) => j).filter((j) => j >= i);
      order.sort((x, y) => Number(isUnboundVar(items[x]!, f)) - Number(isUnboundVar(items[y]!, f)));
      return this.evalItemsInOrder(items, order, 0, acc, f, k);
    }
    return this.evalTerm(t, f, (v) => {
      acc[i] = v;
      return this.evalItems(items, i + 1, acc, f, k);
    });
  }

  private evalItemsInOrder(
    items: CTerm[],
    order: number[],
    i: number,
    acc: Value[],
    f: Frame,
    k: (vs: Value[]) => boolean,
  ): boolean {
    if (i === order.length) return k(acc.slice());
    const j = order[i]!;
    return this.evalTerm(items[j]!, f, (v) => {
      acc[j] = v;
      return this.evalItemsInOrder(items, order, i + 1, acc, f, k);
    });
  }

  private evalEntries(
    entries: [CTerm, CTerm][],
    i: number,
    acc: [Value, Value][],
    f: Frame,
    k: (es: [Value, Value][]) => boolean,
  ): boolean {
    if (i === entries.length) return k(acc.slice());
    const [kt, vt] = entries[i]!;
    return this.evalTerm(kt, f, (key) =>
      this.evalTerm(vt, f, (v) => {
        acc[i] = [key, v];
        return this.evalEntries(entries, i + 1, acc, f, k);
      }),
    );
  }

  // ------------------------------------------------------------------------------------ refs

  private evalRef(t: { head: CTerm; path: CTerm[] }, f: Frame, k: VK): boolean {
    const head = t.head;
    if (head.k === "data") return this.evalData(t.path, 0, this.root, this.data, "", f, k);
    if (head.k === "input") return this.input === undefined ? false : this.walk(this.input, t.path, 0, f, k);
    return this.evalTerm(head, f, (hv) => this.walk(hv, t.path, 0, f, k));
  }

  private walk(v: Value, path: CTerm[], i: number, f: Frame, k: VK, store = false): boolean {
    if (i === path.length) return k(v);
    const key = path[i]!;
    const get = store ? storeLookup : lookup;
    if (key.k === "const") {
      const nv = get(v, key.v);
      return nv === undefined ? false : this.walk(nv, path, i + 1, f, k, store);
    }
    if (key.k === "var") {
      const kv = f[key.slot];
      if (kv !== undefined) {
        const nv = get(v, kv);
        return nv === undefined ? false : this.walk(nv, path, i + 1, f, k, store);
      }
      return iterate(v, (kk, vv) =>
        this.bind(key.slot, kk, f, () => this.walk(vv, path, i + 1, f, k, store)),
      );
    }
    if (this.hasUnboundPattern(key, f)) {
      return iterate(v, (kk, vv) => this.unifyV(key, kk, f, () => this.walk(vv, path, i + 1, f, k, store)));
    }
    return this.evalTerm(key, f, (kv) => {
      const nv = get(v, kv);
      return nv === undefined ? false : this.walk(nv, path, i + 1, f, k, store);
    });
  }

  /** Path keys matter only for `with data…` overrides; without any, skip building them. */
  private childKey(pathKey: string, seg: string): string {
    if (this.overridden === undefined) return "";
    return pathKey === "" ? seg : pathKey + "\u0000" + seg;
  }

  /** Walks `data`: rule-tree nodes and base documents side by side. */
  private evalData(
    path: CTerm[],
    i: number,
    node: RuleNode | undefined,
    base: Value | undefined,
    pathKey: string,
    f: Frame,
    k: VK,
  ): boolean {
    if (node === undefined) return base === undefined ? false : this.walk(base, path, i, f, k, true);
    if (node.rules.length > 0 || node.defaultRule) {
      const v = node.arity !== undefined ? this.fnAsValue(node) : this.nodeValue(node, base, pathKey);
      return v === undefined ? false : this.walk(v, path, i, f, k);
    }
    if (i === path.length) {
      const v = this.namespaceValue(node, base, pathKey);
      return v === undefined ? false : k(v);
    }
    const key = path[i]!;
    const step = (kv: Value): boolean => {
      const nb = base === undefined ? undefined : storeLookup(base, kv);
      if (typeof kv === "string") {
        const ck = this.childKey(pathKey, kv);
        let child = this.overridden?.has(ck) ? undefined : node.children.get(kv);
        if (child && nb !== undefined && (child.rules.length > 0 || child.defaultRule)) child = undefined;
        if (child) return this.evalData(path, i + 1, child, nb, ck, f, k);
      }
      return nb === undefined ? false : this.walk(nb, path, i + 1, f, k, true);
    };
    if (key.k === "const") return step(key.v);
    if (key.k === "var" && f[key.slot] !== undefined) return step(f[key.slot]!);
    if (key.k === "var" || this.hasUnboundPattern(key, f)) {
      const keys = new Map<string, Value>();
      for (const c of node.children.keys()) keys.set(c, c);
      if (base instanceof RObject) for (const kk of base.keys()) keys.set(keyOf(kk), kk);
      for (const kk of keys.values()) {
        if (this.unifyV(key, kk, f, () => step(kk))) return true;
      }
      return false;
    }
    return this.evalTerm(key, f, step);
  }

  /** The value of a package-like node: base data merged with the values of its child nodes. */
  private namespaceValue(node: RuleNode, base: Value | undefined, pathKey: string): Value | undefined {
    if (node.rules.length > 0 || node.defaultRule) {
      return node.arity !== undefined ? this.fnAsValue(node) : this.nodeValue(node, base, pathKey);
    }
    if (node.children.size === 0) return base ?? (node.pkg ? new RObject() : undefined);
    const cached = this.cache.get(node.id);
    if (cached !== undefined) return cached === null ? undefined : cached;
    const out = tree(base instanceof RObject ? RObject.fromEntries(base.entries()) : new RObject());
    for (const [name, child] of node.children) {
      const ck = this.childKey(pathKey, name);
      if (this.overridden?.has(ck)) continue;
      // Base documents win over rules defined at the same path (OPA reads the store first).
      if ((child.rules.length > 0 || child.defaultRule) && out.has(name)) continue;
      const cv = this.namespaceValue(child, base === undefined ? undefined : lookup(base, name), ck);
      if (cv !== undefined) out.set(name, cv);
    }
    this.cache.set(node.id, out);
    return out;
  }

  // ------------------------------------------------------------------------------------ rules

  /** Functions are not documents, except zero-arity ones, whose value is their result (OPA). */
  private fnAsValue(node: RuleNode): Value | undefined {
    if (node.arity !== 0) return undefined;
    const mock = this.fnMocks?.get(node.path.join("\u0000"));
    if (mock && !mock.fn) return mock.value;
    return this.callUser(node.path, [], node.rules[0]?.loc ?? { file: "", row: 0, col: 0 });
  }

  private enter(loc: Location | undefined): void {
    if (++this.depth > this.limits.maxDepth) {
      throw new RegoError(
        "eval_limit_error",
        `evaluation exceeded the depth limit of ${this.limits.maxDepth}`,
        loc,
      );
    }
  }

  /** The value of the rules at a node (complete, partial set, partial object or ref-head object). */
  nodeValue(node: RuleNode, base: Value | undefined, pathKey: string): Value | undefined {
    const cached = this.cache.get(node.id);
    if (cached !== undefined) return cached === null ? undefined : cached;
    const outer = node.activeIn;
    if (outer === this) {
      throw new RegoError(
        "rego_recursion_error",
        `rule data.${node.path.join(".")} is recursive`,
        node.rules[0]?.loc,
      );
    }
    node.activeIn = this;
    this.enter(node.rules[0]?.loc);
    let v: Value | undefined;
    try {
      v = this.computeNode(node, base, pathKey);
    } finally {
      node.activeIn = outer;
      this.depth--;
    }
    this.cache.set(node.id, v === undefined ? null : v);
    return v;
  }

  private computeNode(node: RuleNode, base: Value | undefined, pathKey: string): Value | undefined {
    const rules = node.rules;
    const first = rules[0] ?? node.defaultRule!;
    if (first.kind === "partial_set" && first.suffix.length === 0) {
      const out = new RSet();
      for (const r of rules) {
        this.evalRuleBody(r, (f) =>
          this.evalTerm(r.key!, f, (v) => {
            out.add(v);
            return false;
          }),
        );
      }
      return out;
    }
    if (first.kind === "complete" && first.suffix.length === 0) {
      let result: Value | undefined;
      for (const r of rules) {
        for (let link: CRule | undefined = r; link; link = link.else) {
          let got = false;
          const l = link;
          this.evalRuleBody(l, (f) =>
            this.evalTerm(l.value ?? TRUE_TERM, f, (v) => {
              if (result !== undefined && !fastEquals(result, v)) {
                throw conflict("complete rules must not produce multiple outputs", l.loc);
              }
              result = v;
              got = true;
              return l.groundHead;
            }),
          );
          if (got) break;
        }
      }
      if (result === undefined && node.defaultRule) result = this.defaultValue(node.defaultRule);
      return result;
    }
    // Partial objects and ref heads with vars build an object below the node.
    const out = tree(new RObject());
    for (const r of rules) {
      const isSet = r.kind === "partial_set";
      this.evalRuleBody(r, (f) =>
        this.evalItems(r.suffix, 0, new Array(r.suffix.length), f, (keys) =>
          this.evalTerm((isSet ? r.key : r.value) ?? TRUE_TERM, f, (v) => {
            insertAt(out, keys, v, isSet, r.loc);
            return false;
          }),
        ),
      );
    }
    for (const [name, child] of node.children) {
      const ck = this.childKey(pathKey, name);
      if (this.overridden?.has(ck)) continue;
      const cv = this.namespaceValue(child, base === undefined ? undefined : lookup(base, name), ck);
      if (cv !== undefined) {
        const cur = out.get(name);
        out.set(name, cur === undefined ? cv : mergeDocs(cur, cv, child.rules[0]?.loc));
      }
    }
    return out;
  }

  private defaultValue(r: CRule): Value | undefined {
    let result: Value | undefined;
    const f: Frame = new Array(r.nslots);
    this.evalTerm(r.value ?? TRUE_TERM, f, (v) => {
      result = v;
      return true;
    });
    return result;
  }

  private evalRuleBody(r: CRule, k: (f: Frame) => boolean): void {
    const f: Frame = new Array(r.nslots);
    this.evalBody(this.litsOf(r.body), 0, f, () => k(f));
  }

  // ------------------------------------------------------------------------------------ calls

  private arityOf(fn: Callable): number {
    if (fn.kind === "builtin") return fn.def.arity;
    return this.userNode(fn)?.arity ?? 0;
  }

  private userNode(fn: Callable & { kind: "user" }): RuleNode | undefined {
    if (fn.node === undefined) fn.node = this.nodeAt(fn.path);
    return fn.node;
  }

  private callStatement(fn: Callable, args: CTerm[], loc: Location, f: Frame, k: K): boolean {
    const arity = this.arityOf(fn);
    if (args.length === arity) {
      const v = this.direct({ k: "call", fn, args: args, loc }, f);
      if (v !== MISS) return v === undefined || v === false ? false : k();
    }
    if (args.length > arity) {
      return this.evalItems(args.slice(0, arity), 0, new Array(arity), f, (vs) =>
        this.invoke(fn, vs, loc, (r) => this.unifyV(args[arity]!, r, f, k)),
      );
    }
    return this.evalItems(args, 0, new Array(args.length), f, (vs) =>
      this.invoke(fn, vs, loc, (r) => (r !== false ? k() : false)),
    );
  }

  private callTerm(fn: Callable, args: CTerm[], loc: Location, f: Frame, k: VK): boolean {
    return this.evalItems(args, 0, new Array(args.length), f, (vs) => this.invoke(fn, vs, loc, k));
  }

  private invoke(fn: Callable, args: Value[], loc: Location, k: VK): boolean {
    if (fn.kind === "builtin") {
      const mock = this.builtinMocks?.get(fn.name);
      if (mock) return this.invokeMock(mock, fn, args, loc, k);
      return this.callBuiltin(fn.def, args, loc, k);
    }
    const mock = this.fnMocks?.get(fn.path.join("\u0000"));
    if (mock) return this.invokeMock(mock, fn, args, loc, k);
    const v = this.callUser(fn.path, args, loc);
    return v === undefined ? false : k(v);
  }

  /**
   * Calls a `with` replacement. While the replacement runs, the replaced function means the original
   * again (OPA: a mock may call the function it mocks), so mocks never recurse into themselves.
   */
  private invokeMock(mock: Mock, target: Callable, args: Value[], loc: Location, k: VK): boolean {
    if (!mock.fn) return k(mock.value!);
    const saved = { b: this.builtinMocks, f: this.fnMocks, c: this.cache, fc: this.fnCache };
    // Builtin mocks are off inside a replacement (OPA: a mock will not call another mock); a
    // function mock only unmocks its own target.
    if (target.kind === "builtin") this.builtinMocks = undefined;
    else {
      this.fnMocks = new Map(this.fnMocks);
      this.fnMocks.delete(target.path.join("\u0000"));
      if (this.fnMocks.size === 0) this.fnMocks = undefined;
    }
    this.cache = new Map();
    this.fnCache = new Map();
    let results: Value[];
    try {
      results = [];
      this.invoke(mock.fn, args, loc, (v) => {
        results.push(v);
        return false;
      });
    } finally {
      this.builtinMocks = saved.b;
      this.fnMocks = saved.f;
      this.cache = saved.c;
      this.fnCache = saved.fc;
    }
    for (const v of results) if (k(v)) return true;
    return false;
  }

  private callBuiltin(def: BuiltinDef, args: Value[], loc: Location, k: VK): boolean {
    let r: Value | undefined;
    try {
      r = def.fn(args, this.bctx);
    } catch (e) {
      this.builtinFailure(def, e, loc);
      return false;
    }
    if (r === undefined) return false;
    if (def.relation) {
      for (const x of r as readonly Value[]) if (k(x)) return true;
      return false;
    }
    return k(r);
  }

  private builtinFailure(def: BuiltinDef, e: unknown, loc: Location): void {
    let err: BuiltinError;
    if (e instanceof BuiltinError) {
      // Recorded non-strict errors are never surfaced: keep the builtin's own error rather than
      // building (and capturing a stack for) a located copy. Kata's `is_ip` fails `to_number` often.
      if (!e.halt && !this.strict) {
        this.errors.push(e);
        return;
      }
      err = e.location ? e : new BuiltinError(e.code, e.detail, { halt: e.halt, location: loc });
    } else if (e instanceof RegoError) {
      throw e;
    } else if (e instanceof RangeError && /call stack/.test(e.message)) {
      throw e;
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      err = new BuiltinError("eval_builtin_error", `${def.name}: ${msg}`, { location: loc });
    }
    if (err.halt || this.strict) throw err;
    this.errors.push(err);
  }

  /** Calls user function rules at `path`: all matching definitions must agree; memoised per query. */
  callUser(path: string[], args: Value[], loc: Location, known?: RuleNode): Value | undefined {
    let node = known ?? nodeByPath.get(path);
    if (node === undefined) {
      node = this.nodeAt(path);
      if (node) nodeByPath.set(path, node);
    }
    if (!node) return undefined;
    // Memoised on ground args, except when printing: prints are side effects the host expects to see
    // on every call (regorus, the Kata reference, re-evaluates calls).
    // Only scalar args are keyed: hashing large composite args (Kata passes whole OCI specs) costs
    // more than re-evaluating.
    const memoKey = this.print || !allScalar(args) ? undefined : memoKeyOf(args);
    let memo: Map<string, Value | null> | undefined;
    if (memoKey !== undefined) {
      memo = this.fnCache.get(node.id);
      if (memo === undefined) this.fnCache.set(node.id, (memo = new Map()));
      const cached = memo.get(memoKey);
      if (cached !== undefined) return cached === null ? undefined : cached;
    }
    const outer = node.activeIn;
    if (outer === this) {
      throw new RegoError("rego_recursion_error", `rule data.${node.path.join(".")} is recursive`, loc);
    }
    node.activeIn = this;
    this.enter(loc);
    let result: Value | undefined;
    // One set of continuations per call (not per definition): they read the current definition.
    let cur: CRule = node.rules[0] ?? node.defaultRule!;
    let f: Frame = [];
    let got: boolean;
    const onValue = (v: Value): boolean => {
      if (result !== undefined && !fastEquals(result, v)) {
        throw conflict("functions must not produce multiple outputs for same inputs", cur.loc);
      }
      result = v;
      got = true;
      // Early exit on a ground value (OPA eval.go L52-65), except when printing: regorus, the
      // Kata reference, evaluates every solution and the host sees their prints.
      return cur.groundHead && !this.print;
    };
    const tail = (): boolean => this.evalTerm(cur.value ?? TRUE_TERM, f, onValue);
    // Literals before `from` are guards already checked on the args.
    let from = 0;
    const run = (): boolean => this.evalBody(this.litsOf(cur.body), from, f, tail);
    // Definitions whose equality guards fail on these args are skipped (see fn-index.ts for when
    // that is unobservable).
    const indexed = this.print === undefined && this.builtinMocks === undefined;
    try {
      for (const r of node.rules) {
        for (let link: CRule | undefined = r; link; link = link.else) {
          if (indexed) {
            const guards = guardsOf(link);
            if (guards.length > 0 && !guardsPass(guards, args)) continue;
            from = guards.length;
          }
          got = false;
          cur = link;
          f = new Array(link.nslots);
          const how = this.bindArgsDirect(link, args, f);
          if (how === ARGS_BOUND) run();
          else if (how === ARGS_UNIFY) this.unifyItemsV(link.args!, args, 0, f, run);
          if (got) break;
        }
      }
      if (result === undefined && node.defaultRule) result = this.defaultValue(node.defaultRule);
    } finally {
      node.activeIn = outer;
      this.depth--;
    }
    if (memo !== undefined) memo.set(memoKey!, result === undefined ? null : result);
    return result;
  }

  /**
   * Binds plain-var and constant argument patterns without continuations (the common case):
   * ARGS_BOUND, ARGS_MISMATCH (a constant pattern differs: skip this definition), or ARGS_UNIFY
   * when a pattern needs full unification (composite patterns, repeated vars).
   */
  private bindArgsDirect(rule: CRule, args: Value[], f: Frame): number {
    const patterns = rule.args!;
    let plain = rule.plainArgs;
    if (plain === undefined) rule.plainArgs = plain = patterns.every((p) => p.k === "var" || p.k === "const");
    if (!plain) return ARGS_UNIFY;
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i]!;
      if (p.k === "var") {
        if (f[p.slot] !== undefined) {
          f.fill(undefined);
          return ARGS_UNIFY;
        }
        f[p.slot] = args[i]!;
      } else if (p.k === "const" && !fastEquals(p.v, args[i]!)) {
        f.fill(undefined);
        return ARGS_MISMATCH;
      }
    }
    return ARGS_BOUND;
  }

  /** Runs a compiled query body; `onSolution` sees the frame for each solution. */
  run(body: CBody, nslots: number, onSolution: (f: Frame) => boolean): void {
    const f: Frame = new Array(nslots);
    this.trail.length = 0;
    try {
      this.evalBody(this.litsOf(body), 0, f, () => onSolution(f));
    } catch (e) {
      if (e instanceof RangeError && /call stack/.test(e.message)) {
        throw new RegoError("eval_limit_error", "evaluation exceeded the maximum nesting depth");
      }
      if (e instanceof RegoError) throw e;
      // Anything else is an engine bug; still surface it as a typed error, never a bare exception.
      throw new RegoError("eval_internal_error", e instanceof Error ? e.message : String(e));
    }
    if (this.strict && this.errors.length > 0) throw this.errors[0]!;
  }
}

function isUnboundVar(t: CTerm, f: Frame): boolean {
  return t.k === "var" && f[t.slot] === undefined;
}

/**
 * An injective key of scalar args: a single arg's canonical key as is (no new string to hash),
 * else each arg's key length-prefixed.
 */
function memoKeyOf(args: readonly Value[]): string {
  if (args.length === 1) return keyOf(args[0]!);
  let key = "";
  for (let i = 0; i < args.length; i++) {
    const k = keyOf(args[i]!);
    key += ":" + k.length + ":" + k;
  }
  return key;
}

function unwind(trail: number[], mark: number, f: Frame): void {
  // pop() rather than `length = mark`: truncating by length is a slow runtime call in V8.
  while (trail.length > mark) f[trail.pop()!] = undefined;
}

function allScalar(args: readonly Value[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    if (v !== null && typeof v === "object") return false;
  }
  return true;
}

interface WithState {
  input: Value | undefined;
  data: Value;
  overridden: Set<string> | undefined;
  fnMocks: Map<string, Mock> | undefined;
  builtinMocks: Map<string, Mock> | undefined;
  cache: Map<number, Value | null>;
  fnCache: Map<number, Map<string, Value | null>>;
}
