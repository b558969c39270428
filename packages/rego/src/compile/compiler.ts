/**
 * Compiles parsed modules into a rule tree of compiled rules (OPA v1/ast/compile.go, condensed):
 * package/rule tree by path, import aliases, global ref resolution, local var scoping, call
 * resolution (user functions before builtins), and safety reordering of every body.
 */
import type { Body, Expr, Location, Module, Rule, Term, VarTerm } from "../syntax/ast.ts";
import { RegoError, RegoErrors } from "../errors.ts";
import type { BuiltinDef } from "../builtins/types.ts";
import { RObject, RSet, type Value } from "../value/value.ts";
import type { CBody, CExpr, CLit, CRule, CTerm, CWith, Callable, RuleNode } from "./ir.ts";
import { Scope, SlotAllocator } from "./scope.ts";
import { collectOccurs, declareBody, declarePattern, termOccurs } from "./declarations.ts";
import { checkHead, reorderBody, type SafetyContext } from "./safety.ts";
import { allSlots } from "./terms.ts";
import { checkRecursion } from "./recursion.ts";
import { metadataChain, metadataRule, type MetadataContext } from "./metadata.ts";

export interface CompiledPolicy {
  root: RuleNode;
  /** Number of nodes (ids are 0..count-1), for cache arrays. */
  nodeCount: number;
}

interface Global {
  root: "data" | "input";
  path: string[];
}

interface ModuleContext {
  module: Module;
  pkg: string[];
  aliases: Map<string, Global>;
  ruleNames: Set<string>;
}

const KEYWORD_IMPORTS = new Set(["future", "rego"]);

export class Compiler {
  readonly builtins: Map<string, BuiltinDef>;
  readonly root: RuleNode;
  #nextId = 0;
  #packageRules = new Map<string, Set<string>>();
  readonly errors: RegoError[] = [];

  constructor(builtins: Map<string, BuiltinDef>) {
    this.builtins = builtins;
    this.root = this.newNode([]);
  }

  private newNode(path: string[]): RuleNode {
    return { id: this.#nextId++, path, children: new Map(), rules: [] };
  }

  get nodeCount(): number {
    return this.#nextId;
  }

  nodeAt(path: readonly string[], create: boolean): RuleNode | undefined {
    let n = this.root;
    for (const seg of path) {
      let c = n.children.get(seg);
      if (!c) {
        if (!create) return undefined;
        c = this.newNode([...n.path, seg]);
        n.children.set(seg, c);
      }
      n = c;
    }
    return n;
  }

  #modules: readonly Module[] = [];
  #rulesByNode = new Map<RuleNode, Rule[]>();

  compile(modules: readonly Module[]): CompiledPolicy {
    this.#modules = modules;
    for (const m of modules) {
      const key = m.package.path.join("\u0000");
      let names = this.#packageRules.get(key);
      if (!names) this.#packageRules.set(key, (names = new Set()));
      for (const r of m.rules) {
        const h = r.head.ref[0];
        if (h && h.type === "var") names.add(h.name);
      }
    }
    // Place rules first (so calls and `with` targets can see every function), then compile bodies.
    const placed: [ModuleContext, Rule, RuleNode, number][] = [];
    for (const m of modules) {
      this.nodeAt(m.package.path, true)!.pkg = true;
      const ctx = this.moduleContext(m);
      for (const r of m.rules) {
        const { node, prefixLen } = this.place(ctx, r);
        placed.push([ctx, r, node, prefixLen]);
        const same = this.#rulesByNode.get(node);
        if (same) same.push(r);
        else this.#rulesByNode.set(node, [r]);
      }
    }
    for (const [ctx, r, node, prefixLen] of placed) {
      try {
        const cr = this.compileRule(ctx, r, node, prefixLen, undefined);
        if (r.default) {
          if (node.defaultRule)
            throw new RegoError(
              "rego_type_error",
              `multiple default rules ${"data." + node.path.join(".")} found`,
              r.loc,
            );
          node.defaultRule = cr;
        } else node.rules.push(cr);
      } catch (e) {
        if (e instanceof RegoErrors) this.errors.push(...e.errors);
        else if (e instanceof RegoError) this.errors.push(e);
        else throw e;
      }
    }
    this.checkConflicts(this.root);
    if (this.errors.length === 0) this.errors.push(...checkRecursion(this.root));
    if (this.errors.length > 0)
      throw this.errors.length === 1 ? this.errors[0]! : new RegoErrors(this.errors);
    return { root: this.root, nodeCount: this.nodeCount };
  }

  private checkConflicts(n: RuleNode): void {
    const all = n.defaultRule ? [...n.rules, n.defaultRule] : n.rules;
    if (all.length > 0) {
      const fns = all.filter((r) => r.kind === "function");
      if (fns.length > 0 && fns.length < all.length) {
        this.errors.push(
          new RegoError("rego_type_error", `conflicting rules data.${n.path.join(".")} found`, all[0]!.loc),
        );
      } else if (fns.length > 0) {
        const arity = fns[0]!.args!.length;
        if (fns.some((r) => r.args!.length !== arity)) {
          this.errors.push(
            new RegoError("rego_type_error", `conflicting rules data.${n.path.join(".")} found`, fns[0]!.loc),
          );
        }
        n.arity = arity;
      } else {
        const kinds = new Set(
          all.map((r) =>
            r.kind === "partial_set"
              ? "set"
              : r.suffix.length > 0 || r.kind === "partial_object"
                ? "obj"
                : "complete",
          ),
        );
        if (kinds.size > 1) {
          this.errors.push(
            new RegoError("rego_type_error", `conflicting rules data.${n.path.join(".")} found`, all[0]!.loc),
          );
        }
      }
    }
    for (const c of n.children.values()) this.checkConflicts(c);
  }

  private moduleContext(m: Module): ModuleContext {
    const aliases = new Map<string, Global>();
    for (const imp of m.imports) {
      const terms = imp.path.terms;
      const head = terms[0];
      if (!head || head.type !== "var") continue;
      if (KEYWORD_IMPORTS.has(head.name)) continue;
      if (head.name !== "data" && head.name !== "input") continue;
      const path: string[] = [];
      for (const t of terms.slice(1)) if (t.type === "string") path.push(t.value);
      const alias = imp.alias ?? (path.length > 0 ? path[path.length - 1]! : head.name);
      aliases.set(alias, { root: head.name, path });
    }
    return {
      module: m,
      pkg: m.package.path,
      aliases,
      ruleNames: this.#packageRules.get(m.package.path.join("\u0000")) ?? new Set(),
    };
  }

  private place(ctx: ModuleContext, r: Rule): { node: RuleNode; prefixLen: number } {
    const ref = r.head.ref;
    const path = [...ctx.pkg, (ref[0] as VarTerm).name];
    let i = 1;
    for (; i < ref.length; i++) {
      const t = ref[i]!;
      if (t.type !== "string") break;
      path.push(t.value);
    }
    // A partial object's key is the last ref term; it belongs in the suffix even if constant.
    if (r.head.kind === "partial_object" && i === ref.length) {
      i--;
      path.pop();
    }
    const node = this.nodeAt(path, true)!;
    if (r.head.kind === "function" && r.head.args) node.arity = r.head.args.length;
    return { node, prefixLen: i };
  }

  private compileRule(
    ctx: ModuleContext,
    r: Rule,
    node: RuleNode,
    prefixLen: number,
    parentArgs: Term[] | undefined,
  ): CRule {
    const h = r.head;
    const slots = new SlotAllocator();
    const args = h.args ?? parentArgs;
    const headTerms: Term[] = [];
    for (const t of h.ref.slice(prefixLen)) headTerms.push(t);
    if (h.key && !(h.kind === "partial_object" && h.ref[h.ref.length - 1] === h.key)) headTerms.push(h.key);
    if (h.value) headTerms.push(h.value);
    const occurs = new Set<string>();
    collectOccurs(r.body, occurs);
    for (const t of headTerms) termOccurs(t, occurs);
    const scope = new Scope(slots, undefined, occurs);
    const rc = new RuleCompiler(this, ctx, slots);
    rc.metadata = {
      rule: r,
      siblings: (this.#rulesByNode.get(node) ?? []).filter((x) => x !== r),
      path: node.path,
      pkg: ctx.pkg,
      modules: this.#modules,
    };
    const entry = new Set<number>();
    let cargs: CTerm[] | undefined;
    if (args) {
      for (const a of args) declarePattern(a, scope);
      cargs = args.map((a) => rc.term(a, scope));
    }
    declareBody(r.body, scope);
    const body = rc.body(r.body, scope);
    if (cargs) {
      // Arguments that are not patterns (template strings, refs, calls) become fresh vars compared
      // in the body, where safety ordering can bind their vars first (OPA rewriteDynamicTerms).
      cargs = cargs.map((a) => {
        if (a.k === "var" || a.k === "const" || a.k === "array" || a.k === "object" || a.k === "set")
          return a;
        const v: CTerm = { k: "var", slot: scope.fresh("$arg"), name: "$arg" };
        body.lits.push({ expr: { k: "unify", a: v, b: a }, negated: false, with: [], loc: r.loc });
        return v;
      });
      for (const a of cargs) allSlots(a, entry);
    }
    const suffix = h.ref.slice(prefixLen).map((t) => rc.term(t, scope));
    const key = h.kind === "partial_set" && h.key ? rc.term(h.key, scope) : undefined;
    const value = h.value ? rc.term(h.value, scope) : undefined;
    const headSlots = new Set<number>();
    for (const t of [...suffix, ...(key ? [key] : []), ...(value ? [value] : [])]) allSlots(t, headSlots);
    const sctx = rc.safetyContext(headSlots);
    const bound = reorderBody(body, entry, sctx);
    checkHead([...suffix, ...(key ? [key] : []), ...(value ? [value] : [])], bound, sctx, { loc: r.loc });
    const rule: CRule = {
      kind: h.kind,
      path: node.path,
      suffix,
      args: cargs,
      key,
      value,
      groundHead: headSlots.size === 0,
      body,
      nslots: 0,
      isDefault: r.default,
      loc: r.loc,
    };
    if (r.else) rule.else = this.compileRule(ctx, r.else, node, prefixLen, args);
    rule.nslots = slots.size;
    return rule;
  }

  /** The callable named by a call's operator ref, or a compile error. */
  resolveCall(ctx: ModuleContext | undefined, op: Term[], scope: Scope | undefined, loc: Location): Callable {
    const fn = this.tryResolveFunction(ctx, op, scope);
    if (fn) return fn;
    throw new RegoError("rego_type_error", `undefined function ${dotted(op)}`, loc);
  }

  tryResolveFunction(
    ctx: ModuleContext | undefined,
    op: Term[],
    scope: Scope | undefined,
  ): Callable | undefined {
    const head = op[0];
    if (!head || head.type !== "var") return undefined;
    const rest: string[] = [];
    for (const t of op.slice(1)) {
      if (t.type !== "string") return undefined;
      rest.push(t.value);
    }
    if (scope?.findDeclared(head.name) !== undefined) return undefined;
    let path: string[] | undefined;
    if (head.name === "data") path = rest;
    else if (ctx) {
      const alias = ctx.aliases.get(head.name);
      if (alias && alias.root === "data") path = [...alias.path, ...rest];
      else if (ctx.ruleNames.has(head.name)) path = [...ctx.pkg, head.name, ...rest];
    }
    if (path) {
      const n = this.nodeAt(path, false);
      // Rules are placed (with their arity) before any body compiles.
      if (n && n.arity !== undefined) return { kind: "user", name: "data." + path.join("."), path };
      if (head.name === "data") return undefined;
    }
    const name = [head.name, ...rest].join(".");
    const def = this.builtins.get(name);
    if (def) return { kind: "builtin", name, def };
    return undefined;
  }

  compileQuery(body: Body, locals: Map<string, number> | undefined): CompiledQuery {
    const slots = new SlotAllocator();
    const occurs = new Set<string>();
    collectOccurs(body, occurs);
    const scope = new Scope(slots, undefined, occurs);
    declareBody(body, scope);
    const rc = new RuleCompiler(this, undefined, slots);
    const cbody = rc.body(body, scope);
    void locals;
    const sctx = rc.safetyContext(new Set());
    const source = [...cbody.lits];
    reorderBody(cbody, new Set(), sctx);
    const vars: [string, number][] = [];
    const seen = new Set<string>();
    for (let i = 0; i < slots.names.length; i++) {
      const n = slots.names[i]!;
      if (n === "_" || n.startsWith("$") || seen.has(n)) continue;
      if (!scope.declared.has(n) && scope.implicit.get(n) !== i) continue;
      seen.add(n);
      vars.push([n, i]);
    }
    return { body: cbody, nslots: slots.size, vars, source };
  }
}

export interface CompiledQuery {
  body: CBody;
  nslots: number;
  /** User-visible query vars (name → slot), as OPA reports bindings. */
  vars: [string, number][];
  /** The literals in source order (the body holds them reordered for safety). */
  source: CLit[];
}

function dotted(op: Term[]): string {
  return op
    .map((t, i) => (t.type === "var" ? t.name : t.type === "string" ? (i === 0 ? t.value : t.value) : "?"))
    .join(".");
}

// ------------------------------------------------------------------------------- lowering

class RuleCompiler {
  readonly c: Compiler;
  readonly ctx: ModuleContext | undefined;
  readonly slots: SlotAllocator;
  /** The rule being compiled, for `rego.metadata.*` calls. */
  metadata: MetadataContext | undefined;

  /** `rego.metadata.rule()` / `chain()` as a constant, when `op` names one of them. */
  private metadataCall(op: Term[]): CTerm | undefined {
    if (op.length !== 3 || op[0]!.type !== "var" || op[0]!.name !== "rego") return undefined;
    if (op[1]!.type !== "string" || op[1]!.value !== "metadata" || op[2]!.type !== "string") return undefined;
    const m = this.metadata;
    if (op[2]!.value === "rule") return { k: "const", v: m ? metadataRule(m) : new RObject() };
    if (op[2]!.value === "chain") return { k: "const", v: m ? metadataChain(m) : [] };
    return undefined;
  }

  constructor(c: Compiler, ctx: ModuleContext | undefined, slots: SlotAllocator) {
    this.c = c;
    this.ctx = ctx;
    this.slots = slots;
  }

  safetyContext(headSlots: Set<number>): SafetyContext {
    return {
      arityOf: (fn) =>
        fn.kind === "builtin"
          ? fn.def.arity
          : (this.c.nodeAt(fn.path, false)?.arity ?? this.userArity(fn.path)),
      nameOf: (slot) => this.slots.names[slot] ?? "?",
      headSlots,
    };
  }

  private userArity(path: string[]): number | undefined {
    const n = this.c.nodeAt(path, false);
    const r = n?.rules[0] ?? n?.defaultRule;
    return r?.args?.length ?? n?.arity;
  }

  body(body: Body, scope: Scope): CBody {
    const lits: CLit[] = [];
    body.forEach((e, i) => {
      scope.cursor = i;
      lits.push(this.lit(e, scope));
    });
    scope.cursor = Infinity;
    return { lits, owned: scope.owned };
  }

  private lit(e: Expr, scope: Scope): CLit {
    const withs = e.with.map((w) => this.withMod(w.target.terms, w.value, scope, w.loc));
    return { expr: this.expr(e, scope), negated: e.negated, with: withs, loc: e.loc };
  }

  private withMod(target: Term[], value: Term, scope: Scope, loc: Location): CWith {
    const head = target[0] as VarTerm;
    const path: string[] = [];
    for (const t of target.slice(1)) {
      if (t.type !== "string")
        throw new RegoError("rego_compile_error", "with keyword target must be a ground reference", loc);
      path.push(t.value);
    }
    const fnValue =
      value.type === "var" || value.type === "ref"
        ? this.c.tryResolveFunction(this.ctx, value.type === "var" ? [value] : value.terms, scope)
        : undefined;
    // A function replacement is a name, not a value to evaluate.
    const cvalue: CTerm = fnValue ? { k: "const", v: null } : this.term(value, scope);
    if (head.name === "input") return { target: "input", path, name: "input", value: cvalue, fnValue };
    if (head.name === "data") return { target: "data", path, name: "data", value: cvalue, fnValue };
    const fn = this.c.tryResolveFunction(this.ctx, target, scope);
    if (fn?.kind === "user") return { target: "data", path: fn.path, name: fn.name, value: cvalue, fnValue };
    if (fn?.kind === "builtin") return { target: "builtin", path: [], name: fn.name, value: cvalue, fnValue };
    const alias = this.ctx?.aliases.get(head.name);
    if (alias)
      return { target: alias.root, path: [...alias.path, ...path], name: head.name, value: cvalue, fnValue };
    if (this.ctx?.ruleNames.has(head.name))
      return {
        target: "data",
        path: [...this.ctx.pkg, head.name, ...path],
        name: head.name,
        value: cvalue,
        fnValue,
      };
    throw new RegoError(
      "rego_compile_error",
      `with keyword target must reference existing input, data, or a function`,
      loc,
    );
  }

  private expr(e: Expr, scope: Scope): CExpr {
    const b = e.body;
    switch (b.type) {
      case "query":
        return { k: "query", bodies: [this.closureBody(b.query, scope)] };
      case "logic": {
        // `a and b` is the conjunction of its operands; `a or b` succeeds if either does.
        const operands = b.op === "and" ? [[b.left, b.right]] : [[b.left], [b.right]];
        return { k: "query", bodies: operands.map((exprs) => this.closureBody(exprs, scope)) };
      }
      default:
        return { k: "nop" };
      case "term":
        return { k: "term", t: this.term(b.term, scope) };
      case "some":
        return { k: "nop" };
      case "somein":
        return {
          k: "somein",
          key: b.key ? this.term(b.key, scope) : undefined,
          value: this.term(b.value, scope),
          coll: this.term(b.collection, scope),
        };
      case "every": {
        const occurs = new Set<string>();
        collectOccurs(b.body, occurs);
        const inner = new Scope(this.slots, scope, occurs);
        const domain = this.term(b.domain, scope);
        if (b.key) declarePattern(b.key, inner);
        declarePattern(b.value, inner);
        declareBody(b.body, inner);
        return {
          k: "every",
          key: b.key ? this.term(b.key, inner) : undefined,
          value: this.term(b.value, inner),
          domain,
          body: this.body(b.body, inner),
        };
      }
      case "call": {
        const op = b.op.terms;
        if (op.length === 1 && op[0]!.type === "var") {
          const name = op[0]!.name;
          if (name === "eq" || name === "assign") {
            return { k: "unify", a: this.term(b.args[0]!, scope), b: this.term(b.args[1]!, scope) };
          }
          if (name === "print" && !this.ctx?.ruleNames.has("print")) {
            return { k: "print", args: b.args.map((a) => this.term(a, scope)) };
          }
        }
        const meta = this.metadataCall(op);
        if (meta && b.args.length === 1) return { k: "unify", a: this.term(b.args[0]!, scope), b: meta };
        if (meta && b.args.length === 0) return { k: "term", t: meta };
        const fn = this.c.resolveCall(this.ctx, op, scope, e.loc);
        this.checkArity(fn, b.args.length, true, e.loc);
        return { k: "call", fn, args: b.args.map((a) => this.term(a, scope)) };
      }
    }
  }

  /**
   * OPA's type checker: a call passes the function's arity in arguments, plus optionally one output
   * argument when it is a statement (`count(xs, n)`).
   */
  private checkArity(fn: Callable, n: number, statement: boolean, loc: Location): void {
    const arity = fn.kind === "builtin" ? fn.def.arity : this.c.nodeAt(fn.path, false)?.arity;
    if (arity === undefined) return;
    if (n === arity || (statement && n === arity + 1)) return;
    throw new RegoError("rego_type_error", `${fn.name}: arity mismatch`, loc);
  }

  /** A body in its own scope (outer vars visible, its own vars local), as comprehensions have. */
  private closureBody(body: Body, scope: Scope): CBody {
    const occurs = new Set<string>();
    collectOccurs(body, occurs);
    const inner = new Scope(this.slots, scope, occurs);
    declareBody(body, inner);
    return this.body(body, inner);
  }

  term(t: Term, scope: Scope): CTerm {
    switch (t.type) {
      case "null":
        return { k: "const", v: null };
      case "boolean":
      case "string":
      case "number":
        return { k: "const", v: t.value };
      case "var":
        return this.varTerm(t, scope);
      case "ref": {
        const head = t.terms[0]!;
        const h = head.type === "var" ? this.varTerm(head, scope) : this.term(head, scope);
        const rest = t.terms.slice(1).map((x) => this.term(x, scope));
        if (h.k === "ref") return { k: "ref", head: h.head, path: [...h.path, ...rest] };
        return { k: "ref", head: h, path: rest };
      }
      case "array": {
        const items = t.items.map((x) => this.term(x, scope));
        if (items.every((x) => x.k === "const"))
          return { k: "const", v: items.map((x) => (x as { v: Value }).v) };
        return { k: "array", items };
      }
      case "set": {
        const items = t.items.map((x) => this.term(x, scope));
        if (items.every((x) => x.k === "const"))
          return { k: "const", v: RSet.of(items.map((x) => (x as { v: Value }).v)) };
        return { k: "set", items };
      }
      case "object": {
        const entries = t.entries.map(
          ([a, b]) => [this.term(a, scope), this.term(b, scope)] as [CTerm, CTerm],
        );
        if (entries.every(([a, b]) => a.k === "const" && b.k === "const")) {
          return {
            k: "const",
            v: RObject.fromEntries(entries.map(([a, b]) => [(a as { v: Value }).v, (b as { v: Value }).v])),
          };
        }
        return { k: "object", entries };
      }
      case "arraycomp":
      case "setcomp": {
        const occurs = new Set<string>();
        collectOccurs(t.body, occurs);
        termOccurs(t.term, occurs);
        const inner = new Scope(this.slots, scope, occurs);
        declareBody(t.body, inner);
        const body = this.body(t.body, inner);
        return { k: t.type, term: this.term(t.term, inner), body };
      }
      case "objectcomp": {
        const occurs = new Set<string>();
        collectOccurs(t.body, occurs);
        termOccurs(t.key, occurs);
        termOccurs(t.value, occurs);
        const inner = new Scope(this.slots, scope, occurs);
        declareBody(t.body, inner);
        const body = this.body(t.body, inner);
        return { k: "objectcomp", key: this.term(t.key, inner), value: this.term(t.value, inner), body };
      }
      case "call": {
        const meta = this.metadataCall(t.op.terms);
        if (meta && t.args.length === 0) return meta;
        const fn = this.c.resolveCall(this.ctx, t.op.terms, scope, t.loc);
        this.checkArity(fn, t.args.length, false, t.loc);
        return { k: "call", fn, args: t.args.map((a) => this.term(a, scope)), loc: t.loc };
      }
      case "template":
        return {
          k: "template",
          parts: t.parts.map((p) => {
            if (typeof p === "string") return p;
            if (p.type === "expr") {
              // `{x with input as v}`: the term evaluated under its own with modifiers.
              const eb = p.expr.body;
              if (eb.type !== "term" || p.expr.negated) {
                throw new RegoError("rego_compile_error", "template string expressions must be terms", p.loc);
              }
              const withs = p.expr.with.map((w) => this.withMod(w.target.terms, w.value, scope, w.loc));
              return { k: "with", t: this.term(eb.term, scope), with: withs } as CTerm;
            }
            return this.term(p, scope);
          }),
          loc: t.loc,
        };
    }
  }

  private varTerm(t: VarTerm, scope: Scope): CTerm {
    const name = t.name;
    if (name === "_") return { k: "var", slot: scope.fresh("_"), name: "_" };
    const declared = scope.findDeclared(name);
    if (declared !== undefined) return { k: "var", slot: declared, name };
    if (name === "input") return { k: "input" };
    if (name === "data") return { k: "data" };
    if (this.ctx) {
      const alias = this.ctx.aliases.get(name);
      if (alias) {
        return {
          k: "ref",
          head: { k: alias.root },
          path: alias.path.map((s) => ({ k: "const", v: s }) as CTerm),
        };
      }
      if (this.ctx.ruleNames.has(name)) {
        return {
          k: "ref",
          head: { k: "data" },
          path: [...this.ctx.pkg, name].map((s) => ({ k: "const", v: s }) as CTerm),
        };
      }
    }
    return { k: "var", slot: scope.implicitSlot(name), name };
  }
}
