/**
 * Compile-time recursion check (OPA v1/ast/compile.go checkRecursion): rules may not depend on
 * themselves through other rules or functions. Reported as OPA does:
 * `rego_recursion_error: rule p is recursive: p -> q -> p`, at the rule's location.
 */
import { RegoError } from "../errors.ts";
import type { CBody, CExpr, CRule, CTerm, RuleNode } from "./ir.ts";

function ruleNodes(n: RuleNode, out: RuleNode[]): void {
  if (n.rules.length > 0 || n.defaultRule) out.push(n);
  for (const c of n.children.values()) ruleNodes(c, out);
}

/** The rule nodes a `data` ref with the given constant prefix may read. */
function refTargets(root: RuleNode, prefix: string[], complete: boolean, out: Set<RuleNode>): void {
  let n = root;
  for (const seg of prefix) {
    if (n.rules.length > 0 || n.defaultRule) {
      out.add(n);
      return;
    }
    const c = n.children.get(seg);
    if (!c) return;
    n = c;
  }
  if (n.rules.length > 0 || n.defaultRule) {
    out.add(n);
    return;
  }
  // A whole namespace reads every rule beneath. A computed key below a namespace (hcsshim's
  // `data[input.namespace]`) is not followed, as OPA's graph only follows ground prefixes to rules.
  if (!complete) return;
  const all: RuleNode[] = [];
  ruleNodes(n, all);
  for (const x of all) out.add(x);
}

class Deps {
  readonly root: RuleNode;
  readonly out = new Set<RuleNode>();

  constructor(root: RuleNode) {
    this.root = root;
  }

  rule(r: CRule): void {
    for (let l: CRule | undefined = r; l; l = l.else) {
      this.body(l.body);
      for (const t of [
        ...l.suffix,
        ...(l.args ?? []),
        ...(l.key ? [l.key] : []),
        ...(l.value ? [l.value] : []),
      ])
        this.term(t);
    }
  }

  body(b: CBody): void {
    for (const l of b.lits) {
      this.expr(l.expr);
      for (const w of l.with) this.term(w.value);
    }
  }

  expr(e: CExpr): void {
    switch (e.k) {
      case "term":
        this.term(e.t);
        return;
      case "unify":
        this.term(e.a);
        this.term(e.b);
        return;
      case "call":
        this.callee(e.fn);
        e.args.forEach((a) => this.term(a));
        return;
      case "print":
        e.args.forEach((a) => this.term(a));
        return;
      case "somein":
        if (e.key) this.term(e.key);
        this.term(e.value);
        this.term(e.coll);
        return;
      case "every":
        this.term(e.domain);
        this.body(e.body);
        return;
      case "query":
        e.bodies.forEach((b) => this.body(b));
        return;
      default:
        return;
    }
  }

  callee(fn: import("./ir.ts").Callable): void {
    if (fn.kind === "user") refTargets(this.root, fn.path, true, this.out);
  }

  term(t: CTerm): void {
    switch (t.k) {
      case "data":
        refTargets(this.root, [], false, this.out);
        return;
      case "ref": {
        if (t.head.k === "data") {
          const prefix: string[] = [];
          let complete = true;
          for (const p of t.path) {
            if (p.k === "const" && typeof p.v === "string") prefix.push(p.v);
            else {
              complete = false;
              break;
            }
          }
          refTargets(this.root, prefix, complete, this.out);
        } else this.term(t.head);
        t.path.forEach((p) => this.term(p));
        return;
      }
      case "array":
      case "set":
        t.items.forEach((x) => this.term(x));
        return;
      case "object":
        for (const [a, b] of t.entries) {
          this.term(a);
          this.term(b);
        }
        return;
      case "arraycomp":
      case "setcomp":
        this.term(t.term);
        this.body(t.body);
        return;
      case "objectcomp":
        this.term(t.key);
        this.term(t.value);
        this.body(t.body);
        return;
      case "call":
        this.callee(t.fn);
        t.args.forEach((a) => this.term(a));
        return;
      case "template":
        for (const p of t.parts) if (typeof p !== "string") this.term(p);
        return;
      case "with":
        this.term(t.t);
        return;
      default:
        return;
    }
  }
}

function nameOf(n: RuleNode): string {
  return n.path[n.path.length - 1] ?? "data";
}

/** Throws the recursion errors of the tree, if any. */
export function checkRecursion(root: RuleNode): RegoError[] {
  const nodes: RuleNode[] = [];
  ruleNodes(root, nodes);
  const edges = new Map<RuleNode, RuleNode[]>();
  for (const n of nodes) {
    const d = new Deps(root);
    for (const r of n.rules) d.rule(r);
    if (n.defaultRule) d.rule(n.defaultRule);
    edges.set(n, [...d.out]);
  }
  const errors: RegoError[] = [];
  for (const n of nodes) {
    // Depth-first search for a path from n back to n.
    const seen = new Set<RuleNode>();
    const path: RuleNode[] = [n];
    const dfs = (x: RuleNode): boolean => {
      for (const y of edges.get(x) ?? []) {
        if (y === n) {
          path.push(y);
          return true;
        }
        if (seen.has(y)) continue;
        seen.add(y);
        path.push(y);
        if (dfs(y)) return true;
        path.pop();
      }
      return false;
    };
    if (dfs(n)) {
      const r = n.rules[0] ?? n.defaultRule!;
      errors.push(
        new RegoError(
          "rego_recursion_error",
          `rule ${nameOf(n)} is recursive: ${path.map(nameOf).join(" -> ")}`,
          r.loc,
        ),
      );
    }
  }
  return errors;
}
