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
    'Enum "Episode!" cannot represent non-enum value: "JEDI". Did you mean the enum value "JEDI"? in GraphQL string at location 1:18',
    "graphql.parse",
    '{ hero(episode: "JEDI") { name } }',
    SCHEMA,
  );
});

test("validation messages as gqlparser v2.5 words them, with suggestions", () => {
  const schema = `${SCHEMA}
    input Filter { name: String! limit: Int = 10 tags: [String] }
    type Mutation { find(filter: Filter, n: Int): [SearchResult] }
    type Subscription { heroes: Character villains: Character }`;
  const message = (q: string): string => {
    try {
      call("graphql.parse", q, schema);
    } catch (e) {
      return (e as Error).message.replace(/^eval_builtin_error: graphql.parse: /, "");
    }
    return "valid";
  };
  assert.equal(
    message("{ hero(episode: JEDI) { nam } }"),
    'Cannot query field "nam" on type "Character". Did you mean "name"? in GraphQL string at location 1:25',
  );
  assert.equal(
    message("{ hero(episode: JEDI) { height } }"),
    'Cannot query field "height" on type "Character". Did you mean to use an inline fragment on "Human"? in GraphQL string at location 1:25',
  );
  assert.equal(
    message("{ hero(episod: JEDI) { id } }"),
    'Unknown argument "episod" on field "Query.hero". Did you mean "episode"? in GraphQL string at location 1:3',
  );
  assert.equal(
    message("{ hero(episode: JEDI) { id @skip(iff: true) } }"),
    'Unknown argument "iff" on directive "@skip". Did you mean "if"? in GraphQL string at location 1:29',
  );
  assert.equal(
    message("{ hero(episode: JEDI) { name { __typename } } }"),
    'Field "name" must not have a selection since type "String" has no subfields in GraphQL string at location 1:25',
  );
  assert.equal(
    message("mutation { find(filter: { limit: 1 }) { __typename } }"),
    'Field "Filter.name" of required type "String!" was not provided in GraphQL string at location 1:25',
  );
  assert.equal(
    message('mutation { find(filter: { name: "a", nme: "b" }) { __typename } }'),
    'Field "nme" is not defined by type "Filter". Did you mean "name"? in GraphQL string at location 1:38',
  );
  assert.equal(
    message('mutation { find(filter: { name: "a", tags: [1] }) { __typename } }'),
    "String cannot represent a non string value: 1 in GraphQL string at location 1:45",
  );
  assert.equal(message('mutation { find(filter: { name: "a" }, n: 3000000000) { __typename } }'), "valid");
  assert.equal(
    message('mutation { find(filter: { name: "a" }, n: 99999999999999999999) { __typename } }'),
    "Int cannot represent non 32-bit signed integer value: 99999999999999999999 in GraphQL string at location 1:43",
  );
  assert.equal(
    message("{ hero(episode: SITH) { id } }"),
    'Value "SITH" does not exist in "Episode!" enum in GraphQL string at location 1:17',
  );
  assert.equal(
    message("query Q { hero(episode: $e) { id } }"),
    'Variable "$e" is not defined by operation "Q" in GraphQL string at location 1:25',
  );
  assert.equal(
    message("subscription S { ...F } fragment F on Subscription { heroes { id } villains { id } }"),
    'Subscription "S" must select only one top level field in GraphQL string at location 1:68',
  );
  assert.equal(message("subscription { heroes { id } heroes { id } }"), "valid");
});

test("schema errors as OPA's convertSchema wraps them", () => {
  rejects(
    "graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: input:2: Undefined type Post.",
    "graphql.parse",
    "{ a }",
    "type Query {\n  a: [Post]\n}",
  );
  rejects(
    "Error in gqlparser SchemaDocument to Schema conversion: input:1: Undefined argument x for directive deprecated.",
    "graphql.parse",
    "{ a }",
    'type Query { a: Int @deprecated(x: "y") }',
  );
  assert.equal(
    call(
      "graphql.schema_is_valid",
      "directive @d(n: Int!) on ENUM_VALUE\ntype Query { a: E } enum E { A @d }",
    ),
    false,
  );
  assert.equal(
    call(
      "graphql.schema_is_valid",
      "directive @d(n: Int!) on ENUM_VALUE\ntype Query { a: E } enum E { A @d(n: 1) }",
    ),
    true,
  );
  rejects(
    "Cannot have multiple schema entry points, consider schema extensions instead.",
    "graphql.parse",
    "{ a }",
    "schema { query: Query }\nschema { query: Query }\ntype Query { a: Int }",
  );
});

test("with several violations the first in gqlparser's walk order is reported", () => {
  // Arguments, directives and sub-selections are visited before the field itself.
  rejects(
    'Variable "$x" is not defined by operation "Q" in GraphQL string at location 1:19',
    "graphql.parse",
    "query Q { nope(a: $x) @skip(if: true) }",
    SCHEMA,
  );
  rejects(
    'Unknown directive "@nope" in GraphQL string at location 1:17',
    "graphql.parse",
    "query Q { nope @nope }",
    SCHEMA,
  );
  // Operation-level rules run once the operation's selections are done.
  rejects(
    'Cannot query field "nope" on type "Query" in GraphQL string at location 1:20',
    "graphql.parse",
    "query Q($v: Int) { nope }",
    SCHEMA,
  );
  rejects(
    'Variable "$v" is never used in operation "Q" in GraphQL string at location 1:9',
    "graphql.parse",
    "query Q($v: Int) { hero(episode: JEDI) { id } }",
    SCHEMA,
  );
});

test("query ASTs given back as objects decode as OPA decodes them (selections become fields)", () => {
  const inline = "{ hero(episode: JEDI) { ... on Human { height } } }";
  assert.equal(call("graphql.is_valid", inline, SCHEMA), true);
  const ast = call("graphql.parse_query", inline)!;
  // gqlparser's UnmarshalSelectionSet makes the inline fragment a field named "".
  assert.equal(call("graphql.is_valid", ast, SCHEMA), false);
  rejects('Cannot query field "" on type "Character"', "graphql.parse", ast, SCHEMA);
  const plain = call("graphql.parse_query", "{ hero(episode: JEDI) { id name } }")!;
  assert.equal(call("graphql.is_valid", plain, SCHEMA), true);
  const [q] = call("graphql.parse", plain, SCHEMA) as Value[];
  assert.equal(toJSONText(q!), toJSONText(plain));
});

test("fields sharing a response name must merge (OverlappingFieldsCanBeMerged)", () => {
  const valid = (q: string): Value | undefined => call("graphql.is_valid", q, SCHEMA);
  assert.equal(valid("{ hero(episode: JEDI) { name name } }"), true);
  assert.equal(valid("{ hero(episode: JEDI) { n: name name } }"), true);
  assert.equal(valid('{ search(text: "a") { __typename } search(text: "a") { __typename } }'), true);
  assert.equal(valid('{ search(text: "a") { __typename } search(text: "b") { __typename } }'), false);
  assert.equal(valid("{ hero(episode: JEDI) { ... on Human { x: name } ... on Droid { x: name } } }"), true);
  // Parents that can never be the same object may use one name for different fields of one type…
  assert.equal(
    valid("{ hero(episode: JEDI) { ... on Human { x: name } ... on Droid { x: primaryFunction } } }"),
    true,
  );
  assert.equal(valid("{ hero(episode: JEDI) { ... on Human { x: height } ... on Droid { x: id } } }"), false);
  rejects(
    'graphql.parse: Fields "x" conflict because "name" and "id" are different fields. Use different aliases on the fields to fetch both if this was intentional in GraphQL string at location 1:33',
    "graphql.parse",
    "{ hero(episode: JEDI) { x: name x: id } }",
    SCHEMA,
  );
  // …but not for conflicting return types (here String vs ID!); sub-selections must merge too.
  rejects(
    'Fields "x" conflict because they return conflicting types "String" and "ID!". Use different',
    "graphql.parse",
    "{ hero(episode: JEDI) { ... on Human { x: name } ... on Droid { x: id } } }",
    SCHEMA,
  );
  rejects(
    'Fields "hero" conflict because subfields "name" conflict because "name" and "id" are different fields.',
    "graphql.parse",
    "{ hero(episode: JEDI) { name } ...F } fragment F on Query { hero(episode: JEDI) { name: id } }",
    SCHEMA,
  );
  rejects(
    'Fields "x" conflict because "name" and "height" are different fields',
    "graphql.parse",
    "{ search { ...A ...B } } fragment A on Human { x: name } fragment B on Human { x: height }",
    SCHEMA,
  );
});

test("fragment cycles and impossible inline fragments", () => {
  rejects(
    'graphql.parse: Cannot spread fragment "A" within itself via "B", "C" in GraphQL string at location 1:134',
    "graphql.parse",
    "{ hero(episode: JEDI) { ...A } } fragment A on Character { name ...B } fragment B on Character { ...C } fragment C on Character { ...A }",
    SCHEMA,
  );
  // Reported from the first fragment defined, as gqlparser searches from each definition in order.
  rejects(
    'Cannot spread fragment "A" within itself via "B" in GraphQL string at location 1:101',
    "graphql.parse",
    "{ hero(episode: JEDI) { ...B } } fragment A on Character { name ...B } fragment B on Character { ...A }",
    SCHEMA,
  );
  rejects(
    'Cannot spread fragment "A" within itself in GraphQL string',
    "graphql.parse",
    "{ hero(episode: JEDI) { ...A } } fragment A on Character { ...A }",
    SCHEMA,
  );
  rejects(
    'Fragment cannot be spread here as objects of type "Human" can never be of type "Droid" in GraphQL string at location 1:42',
    "graphql.parse",
    '{ search(text: "x") { ... on Human { ... on Droid { id } } } }',
    SCHEMA,
  );
});

test("adversarial documents end in bounded time", () => {
  // Each fragment spreads the next twice: 2^40 paths, but every fragment is walked once per operation.
  let doubling = "{ ...F0 }\n";
  for (let i = 0; i < 40; i++)
    doubling += `fragment F${i} on Query { __typename ...F${i + 1} ...F${i + 1} }\n`;
  doubling += "fragment F40 on Query { __typename }";
  assert.equal(call("graphql.is_valid", doubling, SCHEMA), true);
  // A chain of fragments is flat text but deep to walk: a validation error, not a stack overflow.
  let chain = "{ ...F0 }\n";
  for (let i = 0; i < 5000; i++) chain += `fragment F${i} on Query { ...F${i + 1} }\n`;
  chain += "fragment F5000 on Query { __typename }";
  assert.equal(call("graphql.is_valid", chain, SCHEMA), false);
  rejects("selection sets nested too deep", "graphql.parse", chain, SCHEMA);
  // Thousands of same-named fields: the quadratic merge check stops at its budget.
  const many = `{ hero(episode: JEDI) { ${"name ".repeat(3000)} } }`;
  rejects("too many overlapping fields to compare", "graphql.parse", many, SCHEMA);
});

test("deeply nested documents fail cleanly", () => {
  rejects(
    "document nesting too deep",
    "graphql.parse_query",
    "{ f(a: " + "[".repeat(2000) + "]".repeat(2000) + ") }",
  );
});

test("graphql conformance folders (v0 and v1)", () => {
  assert.equal(builtinTable().get("graphql.parse")?.fn, graphqlBuiltins[2]!.fn);
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
