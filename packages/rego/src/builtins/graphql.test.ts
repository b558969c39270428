import { test } from "node:test";
import assert from "node:assert/strict";
import { vectorPath } from "@cocoon/core";
import { graphqlBuiltins } from "./graphql.ts";
import { builtinTable } from "./registry.ts";
import { runConformance } from "../conformance/runner.ts";
import { BuiltinError } from "../errors.ts";
import { RObject, toJSONText, type Value } from "../value/index.ts";
import { testContext } from "./testing/context.ts";

const call = (name: string, ...args: Value[]): Value | undefined =>
  graphqlBuiltins.find((b) => b.name === name)!.fn(args, testContext());
const rejects = (text: string, name: string, ...args: Value[]): void =>
  assert.throws(
    () => call(name, ...args),
    (e: unknown) => e instanceof BuiltinError && e.message.includes(text),
  );

const SCHEMA = `
  type Query { hero(episode: Episode!): Character  search(text: String): [SearchResult] }
  enum Episode { NEWHOPE EMPIRE JEDI }
  interface Character { id: ID! name: String }
  type Human implements Character { id: ID! name: String height: Float }
  type Droid implements Character { id: ID! name: String primaryFunction: String }
  union SearchResult = Human | Droid
`;

test("graphql.parse_query / parse_schema return gqlparser-shaped, pruned ASTs", () => {
  assert.equal(
    toJSONText(
      call(
        "graphql.parse_query",
        "query Q($e: Episode = JEDI) { hero(episode: $e) { name ... on Droid { id } } }",
      )!,
    ),
    '{"Operations":[{"Name":"Q","Operation":"query","SelectionSet":[{"Alias":"hero","Arguments":[{"Name":"episode","Value":{"ExpectedTypeHasDefault":false,"Kind":0,"Raw":"e"}}],"Name":"hero","SelectionSet":[{"Alias":"name","Name":"name"},{"SelectionSet":[{"Alias":"id","Name":"id"}],"TypeCondition":"Droid"}]}],"VariableDefinitions":[{"DefaultValue":{"ExpectedTypeHasDefault":false,"Kind":7,"Raw":"JEDI"},"Type":{"NamedType":"Episode","NonNull":false},"Used":false,"Variable":"e"}]}]}',
  );
  const schema = call("graphql.parse_schema", 'scalar Date @specifiedBy(url: "x")') as RObject;
  assert.equal(
    toJSONText(schema),
    '{"Definitions":[{"BuiltIn":false,"Description":"","Directives":[{"Arguments":[{"Name":"url","Value":{"ExpectedTypeHasDefault":false,"Kind":3,"Raw":"x"}}],"Location":"","Name":"specifiedBy"}],"Kind":"SCALAR","Name":"Date"}]}',
  );
  rejects(
    "graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:2",
    "graphql.parse_query",
    "{",
  );
  rejects(
    'graphql.parse_query: Expected "on", found Name "Type" in GraphQL string at location 1:21',
    "graphql.parse_query",
    "{ ...F } fragment F Type { a }",
  );
  rejects(
    "graphql.parse_schema: expected at least one definition, found } in GraphQL string at location 1:13",
    "graphql.parse_schema",
    "type Hello {}",
  );
  rejects(
    "Expected Name, found <Invalid> in GraphQL string at location 1:5",
    "graphql.parse_query",
    "{ a ? }",
  );
  rejects("Unexpected <Invalid> in GraphQL string at location 1:8", "graphql.parse_query", "{ a(x: ?) }");
});

test("graphql validation: valid queries, rule violations, schema errors", () => {
  assert.equal(
    call("graphql.is_valid", "{ hero(episode: JEDI) { name ... on Human { height } } }", SCHEMA),
    true,
  );
  assert.equal(call("graphql.is_valid", "{ hero { name } }", SCHEMA), false);
  assert.equal(call("graphql.is_valid", "{ hero(episode: JEDI) { nope } }", SCHEMA), false);
  assert.equal(call("graphql.is_valid", "{ hero(episode: JEDI) }", SCHEMA), false);
  assert.equal(
    call("graphql.is_valid", "query($x: Episode!) { hero(episode: JEDI) { name } }", SCHEMA),
    false,
  );
  assert.equal(
    call("graphql.is_valid", '{ search(text: "a") { ...H } } fragment H on Human { height }', SCHEMA),
    true,
  );
  assert.equal(
    call(
      "graphql.is_valid",
      '{ search(text: "a") { __typename } } fragment Unused on Human { height }',
      SCHEMA,
    ),
    false,
  );
  rejects(
    'graphql.parse: Field "hero" argument "episode" of type "Episode!" is required, but it was not provided in GraphQL string at location 1:3',
    "graphql.parse",
    "{ hero { name } }",
    SCHEMA,
  );
  const [ok, q] = call("graphql.parse_and_verify", "{ hero(episode: EMPIRE) { id } }", SCHEMA) as Value[];
  assert.equal(ok, true);
  assert.equal(call("graphql.is_valid", q!, call("graphql.parse_schema", SCHEMA)!), true);
  assert.equal(toJSONText(call("graphql.parse_and_verify", "{ nope }", SCHEMA)!), "[false,{},{}]");
  assert.equal(call("graphql.schema_is_valid", SCHEMA), true);
  assert.equal(call("graphql.schema_is_valid", "type A { b: Missing }"), false);
  assert.equal(
    call("graphql.schema_is_valid", "type A implements B { a: Int } interface B { b: Int }"),
    false,
  );
  assert.equal(call("graphql.schema_is_valid", "type __A { a: Int }"), false);
  assert.equal(call("graphql.schema_is_valid", 5), false);
});

test("graphql argument values, variable positions and fragment spreads", () => {
  const valid = (q: string): Value | undefined => call("graphql.is_valid", q, SCHEMA);
  assert.equal(valid('{ hero(episode: "JEDI") { name } }'), false);
  assert.equal(valid("{ hero(episode: SITH) { name } }"), false);
  assert.equal(valid("{ search(text: 5) { __typename } }"), false);
  assert.equal(valid("query($t: Int) { search(text: $t) { __typename } }"), false);
  assert.equal(valid("query($e: Episode) { hero(episode: $e) { name } }"), false);
  assert.equal(valid("query($e: Episode = JEDI) { hero(episode: $e) { name } }"), true);
  assert.equal(valid("{ hero(episode: JEDI) { ... on SearchResult { __typename } } }"), true);
  assert.equal(valid("{ search(text: null) { ... on Character { name } } }"), true);
  rejects(
    'Expected type Episode!, found "JEDI" in GraphQL string at location 1:18',
    "graphql.parse",
    '{ hero(episode: "JEDI") { name } }',
    SCHEMA,
  );
});

test("deeply nested documents fail cleanly", () => {
  rejects(
    "document nesting too deep",
    "graphql.parse_query",
    "{ f(a: " + "[".repeat(2000) + "]".repeat(2000) + ") }",
  );
});

test("graphql conformance folders (v0 and v1)", () => {
  // Until the registry imports graphql.ts, make its builtins visible to the conformance runner here.
  const table = builtinTable() as Map<string, (typeof graphqlBuiltins)[number]>;
  for (const d of graphqlBuiltins) if (!table.has(d.name)) table.set(d.name, d);
  const report = runConformance({ root: vectorPath("opa-conformance"), dirs: ["graphql"] });
  assert.deepEqual(
    report.failures.map((f) => `${f.tree} ${f.note}: ${f.reason}`),
    [],
  );
  assert.equal(
    report.folders.reduce((n, f) => n + f.passed, 0),
    285,
  );
});
