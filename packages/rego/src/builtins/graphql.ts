/**
 * graphql.* builtins (OPA v1/topdown/graphql.go) over a parser and validator that mirror OPA's copy of
 * gqlparser v2.5 (./graphql/): ASTs as OPA returns them (gqlparser structs as JSON, nulls and empties
 * pruned); parse and validation errors as "<message> in GraphQL string at location <line>:<column>";
 * schema errors as OPA's convertSchema wraps them; AST objects given back decoded as Go decodes them.
 */
import { fromJS, toJSONText } from "../value/json.ts";
import { RObject, typeName, type Value } from "../value/value.ts";
import { BuiltinError } from "../errors.ts";
import { fail, stringOperand } from "./operands-b.ts";
import { GraphQLSyntaxError } from "./graphql/lexer.ts";
import { parseQueryDocument, parseSchemaDocument, prune, type Json, type Obj } from "./graphql/parser.ts";
import { buildSchema, GraphQLValidationError, type Schema } from "./graphql/validate.ts";
import { validateQuery } from "./graphql/walker.ts";
import { decodeQueryObject } from "./graphql/decode.ts";
import type { BuiltinDef } from "./types.ts";

/** Any parse or validation failure, already formatted as OPA reports it. */
class GraphQLError extends Error {}

function located(e: unknown): never {
  // OPA trims the final period of validation messages only (graphql.go validateQuery).
  if (e instanceof GraphQLSyntaxError)
    throw new GraphQLError(`${e.message} in GraphQL string at location ${e.line}:${e.column}`);
  if (e instanceof GraphQLValidationError) {
    throw new GraphQLError(
      `${e.message.replace(/\.$/, "")} in GraphQL string at location ${e.line}:${e.column}`,
    );
  }
  throw e;
}

function query(text: string): Obj {
  try {
    return parseQueryDocument(text);
  } catch (e) {
    return located(e);
  }
}

function schema(text: string): Obj {
  try {
    return parseSchemaDocument(text);
  } catch (e) {
    return located(e);
  }
}

/** A query or schema operand: GraphQL text, or a previously returned AST object. */
function document(v: Value, pos: number, name: string, parse: (s: string) => Obj): Obj {
  if (typeof v === "string") return parse(v);
  if (v instanceof RObject) {
    const doc = JSON.parse(toJSONText(v)) as Obj;
    return parse === query ? decodeQueryObject(doc) : doc;
  }
  // OPA: builtins.NewOperandTypeErr(pos, x, "string", "object"), with positions 0 and 1 as written.
  throw new BuiltinError(
    "eval_type_error",
    `${name}: operand ${pos} must be one of {string, object} but got ${typeName(v)}`,
  );
}

const asValue = (doc: Json): Value => fromJS(prune(doc));

/**
 * OPA's convertSchema wraps gqlparser's schema error: "Error in gqlparser SchemaDocument to Schema
 * conversion: input:<line>: <message>" (gqlerror.Error.Error() names the unnamed source "input" and
 * gives the line only).
 */
function convertSchema(schemaDoc: Obj): Schema {
  try {
    return buildSchema(schemaDoc);
  } catch (e) {
    if (!(e instanceof GraphQLValidationError)) throw e;
    const where = e.line > 0 ? `input:${e.line}` : "input";
    throw new GraphQLError(`Error in gqlparser SchemaDocument to Schema conversion: ${where}: ${e.message}`);
  }
}

function verify(queryDoc: Obj, schemaDoc: Obj): void {
  const built = convertSchema(schemaDoc);
  try {
    validateQuery(built, queryDoc);
  } catch (e) {
    located(e);
  }
}

const isStackOverflow = (e: unknown): boolean => e instanceof RangeError && /call stack/.test(e.message);

function run<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    // Input nested deeper than recursion allows: a clear error rather than a crash.
    if (isStackOverflow(e)) throw fail(name, "input nesting too deep");
    if (e instanceof GraphQLError) throw fail(name, e.message);
    throw e;
  }
}

/** Whether `f` succeeds: parse and validation failures are `false`, as OPA's boolean builtins report. */
function attempt(name: string, f: () => void): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof GraphQLError || e instanceof GraphQLValidationError || e instanceof GraphQLSyntaxError)
      return false;
    if (isStackOverflow(e)) throw fail(name, "input nesting too deep");
    throw e;
  }
}

export const graphqlBuiltins: BuiltinDef[] = [
  {
    name: "graphql.parse_query",
    arity: 1,
    fn: ([q]) =>
      run("graphql.parse_query", () => asValue(query(stringOperand("graphql.parse_query", q!, 1)))),
  },
  {
    name: "graphql.parse_schema",
    arity: 1,
    fn: ([s]) =>
      run("graphql.parse_schema", () => asValue(schema(stringOperand("graphql.parse_schema", s!, 1)))),
  },
  {
    name: "graphql.parse",
    arity: 2,
    fn: ([q, s]) =>
      run("graphql.parse", () => {
        const queryDoc = document(q!, 0, "graphql.parse", query);
        const schemaDoc = document(s!, 1, "graphql.parse", schema);
        verify(queryDoc, schemaDoc);
        return [asValue(queryDoc), asValue(schemaDoc)];
      }),
  },
  {
    name: "graphql.parse_and_verify",
    arity: 2,
    fn: ([q, s]) => {
      let result: Value = [false, new RObject(), new RObject()];
      attempt("graphql.parse_and_verify", () => {
        if (typeof q !== "string" && !(q instanceof RObject)) throw new GraphQLError("operand");
        if (typeof s !== "string" && !(s instanceof RObject)) throw new GraphQLError("operand");
        const queryDoc = document(q, 1, "graphql.parse_and_verify", query);
        const schemaDoc = document(s, 2, "graphql.parse_and_verify", schema);
        verify(queryDoc, schemaDoc);
        result = [true, asValue(queryDoc), asValue(schemaDoc)];
      });
      return result;
    },
  },
  {
    name: "graphql.is_valid",
    arity: 2,
    fn: ([q, s]) =>
      attempt("graphql.is_valid", () => {
        if (typeof q !== "string" && !(q instanceof RObject)) throw new GraphQLError("operand");
        if (typeof s !== "string" && !(s instanceof RObject)) throw new GraphQLError("operand");
        verify(document(q, 1, "graphql.is_valid", query), document(s, 2, "graphql.is_valid", schema));
      }),
  },
  {
    name: "graphql.schema_is_valid",
    arity: 1,
    fn: ([s]) =>
      attempt("graphql.schema_is_valid", () => {
        if (typeof s !== "string" && !(s instanceof RObject)) throw new GraphQLError("operand");
        convertSchema(document(s, 1, "graphql.schema_is_valid", schema));
      }),
  },
];
