/**
 * A parsed module as OPA's JSON AST (v1/ast MarshalJSON of Module, Rule, Expr, Term), for
 * `rego.parse_module`. Terms are `{"type", "value"}`; calls are arrays `[op, args…]`; objects are
 * arrays of `[key, value]` pairs. Locations and comments are not included (OPA omits them unless
 * asked for).
 */
import type { Body, Expr, Module, Rule, Term } from "../syntax/ast.ts";

type J = unknown;

function term(t: Term): J {
  switch (t.type) {
    case "null":
      return { type: "null", value: null };
    case "boolean":
      return { type: "boolean", value: t.value };
    case "number":
      return { type: "number", value: t.value };
    case "string":
      return { type: "string", value: t.value };
    case "var":
      return { type: "var", value: t.name };
    case "ref":
      return { type: "ref", value: t.terms.map(term) };
    case "array":
      return { type: "array", value: t.items.map(term) };
    case "set":
      return { type: "set", value: t.items.map(term) };
    case "object":
      return { type: "object", value: t.entries.map(([k, v]) => [term(k), term(v)]) };
    case "arraycomp":
      return { type: "arraycomprehension", value: { term: term(t.term), body: body(t.body) } };
    case "setcomp":
      return { type: "setcomprehension", value: { term: term(t.term), body: body(t.body) } };
    case "objectcomp":
      return {
        type: "objectcomprehension",
        value: { key: term(t.key), value: term(t.value), body: body(t.body) },
      };
    case "call":
      return { type: "call", value: [term(t.op), ...t.args.map(term)] };
    case "template":
      return {
        type: "templatestring",
        value: t.parts.map((p) =>
          typeof p === "string"
            ? { type: "string", value: p }
            : p.type === "expr"
              ? expr(p.expr, 0)
              : term(p),
        ),
      };
  }
}

function expr(e: Expr, index: number): J {
  const b = e.body;
  let terms: J;
  switch (b.type) {
    case "term":
      terms = term(b.term);
      break;
    case "call":
      terms = [term(b.op), ...b.args.map(term)];
      break;
    case "some":
      terms = { symbols: b.vars.map(term) };
      break;
    case "somein":
      terms = {
        symbols: [
          {
            type: "call",
            value: [
              {
                type: "ref",
                value: [{ type: "var", value: b.key ? "internal.member_3" : "internal.member_2" }],
              },
              ...(b.key ? [term(b.key)] : []),
              term(b.value),
              term(b.collection),
            ],
          },
        ],
      };
      break;
    case "every":
      terms = {
        ...(b.key ? { key: term(b.key) } : {}),
        value: term(b.value),
        domain: term(b.domain),
        body: body(b.body),
      };
      break;
    case "query":
      terms = body(b.query);
      break;
    case "logic":
      terms = { op: b.op, left: expr(b.left, 0), right: expr(b.right, 1) };
      break;
  }
  const out: Record<string, J> = { index, terms };
  if (e.negated) out.negated = true;
  if (e.with.length > 0) out.with = e.with.map((w) => ({ target: term(w.target), value: term(w.value) }));
  return out;
}

function body(b: Body): J {
  return b.map((e, i) => expr(e, i));
}

function rule(r: Rule): J {
  const h = r.head;
  const head: Record<string, J> = { ref: h.ref.map(term) };
  const first = h.ref[0];
  if (first?.type === "var" && h.ref.length === 1) head.name = first.name;
  if (h.args) head.args = h.args.map(term);
  if (h.key && h.kind === "partial_set") head.key = term(h.key);
  if (h.value) head.value = term(h.value);
  if (h.assign) head.assign = true;
  const out: Record<string, J> = { head, body: body(r.body) };
  if (r.default) out.default = true;
  if (r.else) out.else = rule(r.else);
  return out;
}

export function moduleToJSON(m: Module): J {
  const out: Record<string, J> = {
    package: {
      path: [{ type: "var", value: "data" }, ...m.package.path.map((s) => ({ type: "string", value: s }))],
    },
  };
  if (m.imports.length > 0) {
    out.imports = m.imports.map((i) => ({ path: term(i.path), ...(i.alias ? { alias: i.alias } : {}) }));
  }
  if (m.rules.length > 0) out.rules = m.rules.map(rule);
  return out;
}
