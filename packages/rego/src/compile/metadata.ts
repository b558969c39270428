/**
 * `rego.metadata.rule()` and `rego.metadata.chain()` (OPA v1/ast/compile.go rewriteRegoMetadataCalls):
 * resolved at compile time to constants from the `# METADATA` annotations the parser attached.
 *   rule():  the rule-scoped annotations of the calling rule, or {}.
 *   chain(): [{path, annotations?}] from the rule (always present) through document, package and
 *            subpackages scopes, nearest first.
 */
import type { Annotations, Module, Rule } from "../syntax/ast.ts";
import { fromJS } from "../value/json.ts";
import { RObject, type Value } from "../value/value.ts";

function annotationValue(a: Annotations): Value {
  const { loc: _loc, target: _target, ...rest } = a;
  void _loc;
  void _target;
  return fromJS(JSON.parse(JSON.stringify(rest)));
}

export interface MetadataContext {
  rule: Rule;
  /** Rules sharing the calling rule's path (document scope spans them). */
  siblings: Rule[];
  /** Full path of the rule below `data` (package + ground head ref). */
  path: string[];
  pkg: string[];
  modules: readonly Module[];
}

export function metadataRule(m: MetadataContext): Value {
  const a = m.rule.annotations?.find((x) => x.scope === "rule");
  return a ? annotationValue(a) : new RObject();
}

export function metadataChain(m: MetadataContext): Value {
  const out: Value[] = [];
  const entry = (path: string[], a?: Annotations): RObject => {
    const o = new RObject().set("path", path);
    if (a) o.set("annotations", annotationValue(a));
    return o;
  };
  out.push(
    entry(
      m.path,
      m.rule.annotations?.find((x) => x.scope === "rule"),
    ),
  );
  const seen = new Set<Annotations>();
  for (const r of [m.rule, ...m.siblings]) {
    for (const a of r.annotations ?? []) {
      if (a.scope === "document" && !seen.has(a)) {
        seen.add(a);
        out.push(entry(m.path, a));
      }
    }
  }
  for (const mod of m.modules) {
    if (mod.package.path.join("\u0000") !== m.pkg.join("\u0000")) continue;
    for (const a of mod.annotations ?? []) if (a.scope === "package") out.push(entry(m.pkg, a));
  }
  for (let n = m.pkg.length; n >= 1; n--) {
    const prefix = m.pkg.slice(0, n).join("\u0000");
    for (const mod of m.modules) {
      if (mod.package.path.join("\u0000") !== prefix) continue;
      for (const a of mod.annotations ?? [])
        if (a.scope === "subpackages") out.push(entry(m.pkg.slice(0, n), a));
    }
  }
  return out;
}
