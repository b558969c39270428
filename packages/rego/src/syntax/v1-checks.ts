/**
 * The Rego v1 module checks OPA runs at compile time rather than parse time (v1/ast/rego_v1.go
 * checkRegoV1Module): no duplicate imports, no rule/arg/variable named `input` or `data`, no
 * deprecated builtins. Exposed here for the compiler, which should apply them to v1 modules (including
 * v0 modules that `import rego.v1`; the parser marks those version "v1").
 */
import { RegoError } from "../errors.ts";
import type { Import, Module, Rule, Term } from "./ast.ts";
import { refToString } from "./printer.ts";
import { walkModule } from "./walk.ts";

/** Builtins deprecated in OPA 1.x and prohibited in v1 (capabilities.json `deprecated: true`). */
export const DEPRECATED_BUILTINS: ReadonlySet<string> = new Set([
  "all",
  "any",
  "cast_array",
  "cast_boolean",
  "cast_null",
  "cast_object",
  "cast_set",
  "cast_string",
  "net.cidr_overlap",
  "re_match",
  "set_diff",
]);

const ROOTS = new Set(["input", "data"]);

/** An import's name: its alias, else the last element of its path (OPA Import.Name). */
export function importName(imp: Import): string {
  if (imp.alias !== undefined) return imp.alias;
  const last = imp.path.terms[imp.path.terms.length - 1]!;
  return last.type === "var" ? last.name : last.type === "string" ? last.value : "";
}

function importString(imp: Import): string {
  return `import ${refToString(imp.path.terms)}${imp.alias !== undefined ? ` as ${imp.alias}` : ""}`;
}

function isRootRef(t: Term): string | null {
  if (t.type === "ref" && t.terms.length === 1) {
    const h = t.terms[0]!;
    if (h.type === "var" && ROOTS.has(h.name)) return h.name;
  }
  return null;
}

/** The errors OPA's compiler reports for a v1 module, in OPA's order. */
export function regoV1ModuleErrors(m: Module): RegoError[] {
  const errors: RegoError[] = [];
  const seen = new Map<string, Import>();
  for (const imp of m.imports) {
    const name = importName(imp);
    const prev = seen.get(name);
    if (prev)
      errors.push(
        new RegoError("rego_compile_error", `import must not shadow ${importString(prev)}`, imp.loc),
      );
    else seen.set(name, imp);
  }
  const eachRule = (f: (r: Rule) => void) => {
    for (const r of m.rules) for (let x: Rule | undefined = r; x; x = x.else) f(x);
  };
  eachRule((r) => {
    const head = r.head.ref[0]!;
    if (head.type === "var" && ROOTS.has(head.name)) {
      errors.push(
        new RegoError(
          "rego_compile_error",
          `rules must not shadow ${head.name} (use a different rule name)`,
          r.loc,
        ),
      );
    }
    for (const a of r.head.args ?? []) {
      const root = isRootRef(a);
      if (root) {
        errors.push(
          new RegoError(
            "rego_compile_error",
            `args must not shadow ${root} (use a different variable name)`,
            a.loc,
          ),
        );
      }
    }
  });
  walkModule(m, {
    expr(e) {
      const b = e.body;
      if (b.type !== "call" || refToString(b.op.terms) !== "assign") return;
      const lhs = b.args[0];
      const root = lhs ? isRootRef(lhs) : null;
      if (root) {
        errors.push(
          new RegoError(
            "rego_compile_error",
            `variables must not shadow ${root} (use a different variable name)`,
            e.loc,
          ),
        );
      }
    },
  });
  walkModule(m, {
    expr(e) {
      if (e.body.type === "call") {
        const name = refToString(e.body.op.terms);
        if (DEPRECATED_BUILTINS.has(name)) {
          errors.push(
            new RegoError(
              "rego_type_error",
              `deprecated built-in function calls in expression: ${name}`,
              e.loc,
            ),
          );
        }
      }
    },
    term(t) {
      if (t.type === "call") {
        const name = refToString(t.op.terms);
        if (DEPRECATED_BUILTINS.has(name)) {
          errors.push(
            new RegoError(
              "rego_type_error",
              `deprecated built-in function calls in expression: ${name}`,
              t.op.loc,
            ),
          );
        }
      }
    },
  });
  return errors;
}
