/**
 * A query document given to a graphql builtin as an object (an AST graphql.parse_query returned), decoded
 * as OPA decodes it: JSON into gqlparser's ast.QueryDocument (ast/decode.go UnmarshalSelectionSet).
 * That tries ast.Field first, and decoding any JSON object into a Field succeeds, so every selection
 * becomes a field: an inline fragment becomes a field named "" and a fragment spread a field named after
 * the fragment (their other keys are dropped). Validation then rejects such documents, as OPA does;
 * queries without fragments decode to themselves.
 */
import type { Json, Obj } from "./parser.ts";

const isObject = (v: Json | undefined): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const text = (v: Json | undefined): string => (typeof v === "string" ? v : "");

function selectionSet(v: Json | undefined): Obj[] {
  // Items that are not objects decode as no selection at all.
  return Array.isArray(v) ? v.filter(isObject).map(field) : [];
}

function field(s: Obj): Obj {
  return {
    Alias: text(s.Alias),
    Name: text(s.Name),
    Arguments: s.Arguments ?? null,
    Directives: s.Directives ?? null,
    SelectionSet: selectionSet(s.SelectionSet),
    Position: s.Position ?? null,
  };
}

export function decodeQueryObject(doc: Obj): Obj {
  const withFields = (d: Json): Json =>
    isObject(d) ? { ...d, SelectionSet: selectionSet(d.SelectionSet) } : d;
  return {
    ...doc,
    Operations: Array.isArray(doc.Operations) ? doc.Operations.map(withFields) : null,
    Fragments: Array.isArray(doc.Fragments) ? doc.Fragments.map(withFields) : null,
  };
}
