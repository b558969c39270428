/**
 * The Rego parser's public surface: modules, queries (bodies) and single terms, in Rego v0 or v1.
 * Every function throws a `RegoError` with code `rego_parse_error` (a `RegoParseError`, or `RegoErrors`
 * holding several) whose message names file:row:col.
 */
import type { Body, Module, RegoVersion, Term } from "./ast.ts";
import { ModuleParser } from "./module.ts";
import { RegoParseError, parseFailure } from "./parse-error.ts";

export type * from "./ast.ts";
export { RegoParseError } from "./parse-error.ts";
export { termToString, refToString, exprToString, bodyToString } from "./printer.ts";
export { MAX_PARSE_DEPTH } from "./parser.ts";

export interface ParseModuleOptions {
  /** File name used in locations and error messages. */
  file?: string;
  /** Rego version of the text; v1 (OPA 1.x's default) unless told. */
  version?: RegoVersion;
}

export interface ParseQueryOptions {
  version?: RegoVersion;
  file?: string;
}

/** Parses a policy module (OPA ast.ParseModuleWithOpts). */
export function parseModule(text: string, options: ParseModuleOptions = {}): Module {
  const p = new ModuleParser(text, options.file ?? "", options.version ?? "v1");
  const stmts = p.parseStatements();
  if (p.errors.length > 0) throw parseFailure(p.toErrors());
  return p.buildModule(stmts);
}

/** Parses a query: one or more expressions separated by `;` or newlines (OPA ast.ParseBody). */
export function parseQuery(text: string, options: ParseQueryOptions = {}): Body {
  const p = new ModuleParser(text, options.file ?? "", options.version ?? "v1");
  p.skipRules = true;
  const stmts = p.parseStatements();
  if (p.errors.length > 0) throw parseFailure(p.toErrors());
  const body: Body = [];
  for (const st of stmts) {
    if (st.kind !== "body") {
      const loc = st.kind === "package" ? st.pkg.loc : st.kind === "import" ? st.imp.loc : st.rules[0]!.loc;
      throw new RegoParseError(`expected body but got ${st.kind}`, loc, text, 0);
    }
    body.push(...st.body);
  }
  if (body.length === 0) {
    throw new RegoParseError("empty query", { file: options.file ?? "", row: 1, col: 1 }, text, 0);
  }
  return body;
}

/** Same as parseQuery (OPA calls a query a body). */
export const parseBody = parseQuery;

/** Parses exactly one term, e.g. a test case's `input_term` (OPA ast.ParseTerm). */
export function parseTerm(text: string, options: ParseQueryOptions = {}): Term {
  const body = parseQuery(text, options);
  const e = body[0]!;
  if (body.length !== 1) throw new RegoParseError("expected exactly one term", e.loc, text, 0);
  if (e.body.type !== "term" || e.negated || e.with.length > 0) {
    throw new RegoParseError("expected term", e.loc, text, 0);
  }
  return e.body.term;
}
export { regoV1ModuleErrors, importName, DEPRECATED_BUILTINS } from "./v1-checks.ts";
export { walkModule, walkRule, walkBody, walkExpr, walkTerm, type Visitor } from "./walk.ts";
export { moduleToOPAJSON, termToOPAJSON, bodyToOPAJSON, annotationToOPAJSON } from "./opa-json.ts";
export { metadataChain, ruleMetadata, type MetadataChainEntry, type PathElement } from "./annotations.ts";
