import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonSchemaBuiltins } from "./jsonschema.ts";
import { BuiltinError } from "../errors.ts";
import { RObject, toJSONText, parseJSON, type Value } from "../value/index.ts";
import { testContext } from "./testing/context.ts";

const call = (name: string, ...args: Value[]): string =>
  toJSONText(jsonSchemaBuiltins.find((b) => b.name === name)!.fn(args, testContext())!);
const schema = parseJSON('{"properties": {"id": {"type": "integer"}}, "required": ["id"]}');

test("json.match_schema: objects or JSON text, gojsonschema-shaped errors (conformance jsonschema)", () => {
  assert.equal(call("json.match_schema", RObject.fromRecord({ id: 5 }), schema), "[true,[]]");
  assert.equal(call("json.match_schema", '{"id": 5}', toJSONText(schema)), "[true,[]]");
  assert.equal(
    call("json.match_schema", RObject.fromRecord({ id: "foo" }), schema),
    '[false,[{"desc":"Invalid type. Expected: integer, given: string","error":"id: Invalid type. Expected: integer, given: string","field":"id","type":"invalid_type"}]]',
  );
  assert.equal(
    call("json.match_schema", new RObject(), schema),
    '[false,[{"desc":"id is required","error":"(root): id is required","field":"(root)","type":"required"}]]',
  );
  assert.throws(
    () =>
      call(
        "json.match_schema",
        RObject.fromRecord({ id: "foo" }),
        parseJSON('{"properties": {"id": {"type": "unknown"}}}'),
      ),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.message.includes(
        "json.match_schema: has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values are:[array boolean integer number null object string]",
      ),
  );
  assert.throws(
    () => call("json.match_schema", "{not json", schema),
    (e: unknown) => e instanceof BuiltinError && e.message.includes("invalid JSON string"),
  );
});

test("json.verify_schema reports schema errors as values", () => {
  assert.equal(call("json.verify_schema", '{"type": "boolean"}'), "[true,null]");
  assert.equal(call("json.verify_schema", RObject.fromRecord({ type: "boolean" })), "[true,null]");
  assert.equal(
    call("json.verify_schema", RObject.fromRecord({ type: "unknown_type" })),
    '[false,"jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values are:[array boolean integer number null object string]"]',
  );
  assert.equal(call("json.verify_schema", 7), '[false,"jsonschema: wrong type, expected string or object"]');
});

test("draft-04 schemas (boolean exclusive bounds, id) validate as gojsonschema does", () => {
  const schema = parseJSON(
    '{"$schema": "http://json-schema.org/draft-04/schema#", "id": "http://example.com/s.json", "properties": {"id": {"type": "number", "maximum": 10, "exclusiveMaximum": true}}}',
  );
  assert.equal(call("json.match_schema", RObject.fromRecord({ id: 9 }), schema), "[true,[]]");
  assert.equal(
    call("json.match_schema", RObject.fromRecord({ id: 10 }), schema),
    '[false,[{"desc":"Must be less than 10","error":"id: Must be less than 10","field":"id","type":"number_lt"}]]',
  );
});

test("deeply nested schemas and documents end in typed errors or results", () => {
  const deep = (n: number): string => '{"items":'.repeat(n) + "{}" + "}".repeat(n);
  const r = call("json.verify_schema", deep(20000));
  assert.match(r, /^\[(true,null|false,"jsonschema: .*")\]$/);
});

test("schema patterns run on RE2: Go syntax, linear time", () => {
  const schema = parseJSON('{"properties": {"s": {"type": "string", "pattern": "^(a+)+$"}}}');
  const evil = "a".repeat(5000) + "!";
  assert.match(
    call("json.match_schema", RObject.fromRecord({ s: evil }), schema),
    /^\[false,\[\{"desc":"Does not match pattern/,
  );
  assert.equal(call("json.match_schema", RObject.fromRecord({ s: "aaa" }), schema), "[true,[]]");
  const goSyntax = parseJSON('{"patternProperties": {"^\\\\pL+$": {"type": "integer"}}}');
  assert.match(call("json.match_schema", RObject.fromRecord({ abc: "x" }), goSyntax), /^\[false,/);
});
