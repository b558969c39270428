/**
 * Function-definition indexing on ground equality guards (in the spirit of OPA v1/ast/index.go, which
 * indexes rules on `input.x == "lit"` and function args on equality with constants).
 *
 * Kata policies define functions as many alternatives that each start with a guard on an argument:
 * `allow_mount_point(p_storage, …) { p_storage.fstype == "tar"; … }`,
 * `check_mount(p_mount, i_mount, …) { p_mount.destination == i_mount.destination; … }`. A guard is a
 * leading literal `a == b` (or `a = b` with both sides ground) whose operands are constants or refs
 * with constant keys into argument vars. When a guard fails on the call's arguments, the definition
 * cannot succeed, so the caller skips it without allocating a frame or running its body.
 *
 * Only `print` literals may precede a guard, and callers use the index only with printing off (prints
 * are effects the host sees per evaluated definition, as regorus evaluates every definition) and no
 * builtin mocks (a mocked `equal` must be called). Equality and constant-key lookups never raise
 * errors, so skipping never hides an error a strict evaluation would report.
 */
import type { CBody, CLit, CRule, CTerm } from "../compile/ir.ts";
import type { Value } from "../value/value.ts";
import { fastEquals } from "./equality.ts";
import { equalBuiltin } from "./internal-builtins.ts";
import { lookup } from "./values.ts";

/** An operand: the constant `v` when `arg` is -1, else argument `arg` followed by lookups `path`. */
interface Operand {
  arg: number;
  v: Value;
  path: Value[];
}

interface Guard {
  a: Operand;
  b: Operand;
}

const NONE: readonly Guard[] = [];

/**
 * A body's literals without plain `print(…)` literals, which the evaluator runs when printing is off:
 * those always succeed and, with no output, evaluate nothing. Negated prints and prints under `with`
 * can fail, so they stay.
 */
export function quietLits(b: CBody): CLit[] {
  let q = b.quiet;
  if (q === undefined) {
    const kept = b.lits.filter((l) => !(l.expr.k === "print" && !l.negated && l.with.length === 0));
    q = b.quiet = kept.length === b.lits.length ? b.lits : kept;
  }
  return q;
}

/**
 * The guards of a function definition, computed once per compiled rule. They are its first
 * `guards.length` quiet literals, so a caller whose guards passed resumes the body after them.
 */
export function guardsOf(rule: CRule): readonly Guard[] {
  let g = rule.guards as readonly Guard[] | undefined;
  if (g === undefined) rule.guards = g = computeGuards(rule);
  return g;
}

/** False when some guard fails on `args`: the definition cannot produce a value for them. */
export function guardsPass(guards: readonly Guard[], args: readonly Value[]): boolean {
  for (let i = 0; i < guards.length; i++) {
    const g = guards[i]!;
    const x = operandValue(g.a, args);
    if (x === undefined) return false;
    const y = operandValue(g.b, args);
    if (y === undefined || !fastEquals(x, y)) return false;
  }
  return true;
}

function operandValue(o: Operand, args: readonly Value[]): Value | undefined {
  if (o.arg < 0) return o.v;
  let v: Value | undefined = args[o.arg];
  for (let i = 0; i < o.path.length && v !== undefined; i++) v = lookup(v, o.path[i]!);
  return v;
}

function computeGuards(rule: CRule): readonly Guard[] {
  const argOf = new Map<number, number>();
  const patterns = rule.args ?? [];
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i]!;
    if (p.k === "const") continue;
    // Composite or repeated patterns bind through unification: not indexed.
    if (p.k !== "var" || argOf.has(p.slot)) return NONE;
    argOf.set(p.slot, i);
  }
  const out: Guard[] = [];
  for (const lit of quietLits(rule.body)) {
    if (lit.with.length > 0 || lit.negated) break;
    const e = lit.expr;
    let pair: [CTerm, CTerm] | undefined;
    if (e.k === "unify") pair = [e.a, e.b];
    else if (e.k === "call" && e.fn.kind === "builtin" && e.fn.def === equalBuiltin && e.args.length === 2) {
      pair = [e.args[0]!, e.args[1]!];
    }
    const a = pair && operand(pair[0], argOf);
    const b = pair && operand(pair[1], argOf);
    if (!a || !b) break;
    out.push({ a, b });
  }
  return out.length === 0 ? NONE : out;
}

function operand(t: CTerm, argOf: Map<number, number>): Operand | undefined {
  if (t.k === "const") return { arg: -1, v: t.v, path: [] };
  if (t.k === "var") {
    const arg = argOf.get(t.slot);
    return arg === undefined ? undefined : { arg, v: null, path: [] };
  }
  if (t.k === "ref" && t.head.k === "var") {
    const arg = argOf.get(t.head.slot);
    if (arg === undefined) return undefined;
    const path: Value[] = [];
    for (const p of t.path) {
      if (p.k !== "const") return undefined;
      path.push(p.v);
    }
    return { arg, v: null, path };
  }
  return undefined;
}
