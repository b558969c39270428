import { test } from "node:test";
import assert from "node:assert/strict";
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, equals, type Value } from "../value/value.ts";
import { encodingBuiltins } from "./encoding.ts";
import { yamlBuiltins } from "./yaml.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const defs = new Map([...encodingBuiltins, ...yamlBuiltins].map((d) => [d.name, d]));
const call = (name: string, ...args: Value[]): Value | undefined => defs.get(name)!.fn(args, ctx);

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BuiltinError);
    assert.equal(e.code, code);
    assert.equal(e.detail, message);
    return true;
  });
}

test("base64 and base64url round trips, Go's strict padding and error offsets", () => {
  assert.equal(call("base64.encode", "subjects?_d"), "c3ViamVjdHM/X2Q=");
  assert.equal(call("base64.decode", "c3ViamVjdHM/X2Q="), "subjects?_d");
  assert.equal(call("base64.decode", "aGVs\nbG8="), "hello");
  assert.equal(call("base64.is_valid", "{'not':'base64'}"), false);
  assert.equal(call("base64.is_valid", "aGVsbG8"), false);
  assert.equal(call("base64.is_valid", 1), false);
  fails(
    () => call("base64.decode", "aGVsbG8"),
    "eval_builtin_error",
    "base64.decode: illegal base64 data at input byte 4",
  );
  fails(
    () => call("base64.decode", "a!=="),
    "eval_builtin_error",
    "base64.decode: illegal base64 data at input byte 1",
  );
  assert.equal(call("base64url.encode", "subjects?_d"), "c3ViamVjdHM_X2Q=");
  assert.equal(call("base64url.encode_no_pad", "subjects?_d"), "c3ViamVjdHM_X2Q");
  assert.equal(call("base64url.decode", "c3ViamVjdHM_X2Q"), "subjects?_d");
  fails(
    () => call("base64url.decode", "a"),
    "eval_builtin_error",
    "base64url.decode: illegal base64url string: a",
  );
});

test("hex", () => {
  assert.equal(call("hex.encode", "lorem ipsum"), "6c6f72656d20697073756d");
  assert.equal(call("hex.decode", "6c6f72656d20697073756d"), "lorem ipsum");
  fails(
    () => call("hex.decode", "fghijkl"),
    "eval_builtin_error",
    "hex.decode: encoding/hex: invalid byte: U+0067 'g'",
  );
  fails(
    () => call("hex.decode", "abc"),
    "eval_builtin_error",
    "hex.decode: encoding/hex: odd length hex string",
  );
});

test("urlquery follows net/url", () => {
  assert.equal(call("urlquery.encode", "a=b+1 c~"), "a%3Db%2B1+c~");
  assert.equal(call("urlquery.encode", "é!*'()/?#&\ud800"), "%C3%A9%21%2A%27%28%29%2F%3F%23%26%EF%BF%BD");
  assert.equal(call("urlquery.decode", "a%3Db%2B1+c"), "a=b+1 c");
  fails(
    () => call("urlquery.decode", "a%zz"),
    "eval_builtin_error",
    'urlquery.decode: invalid URL escape "%zz"',
  );
  assert.equal(
    call("urlquery.encode_object", RObject.fromRecord({ c: "d", a: ["b+1", "x"] })),
    "a=b%2B1&a=x&c=d",
  );
  assert.equal(call("urlquery.encode_object", RObject.fromRecord({ a: RSet.of(["z", "y"]) })), "a=y&a=z");
  fails(
    () => call("urlquery.encode_object", RObject.fromRecord({ a: 1 })),
    "eval_type_error",
    "urlquery.encode_object: operand 1 values must be string, array[string], or set[string]",
  );
  const o = call("urlquery.decode_object", "a=value_a1&b&a=value_a2") as RObject;
  assert.deepEqual(o.get("a"), ["value_a1", "value_a2"]);
  assert.deepEqual(o.get("b"), [""]);
  assert.equal((call("urlquery.decode_object", "") as RObject).size, 0);
});

test("json.marshal is Go's encoding/json: sorted keys, HTML-safe escapes, sets as arrays", () => {
  assert.equal(call("json.marshal", [RObject.fromRecord({ foo: RSet.of([3, 1, 2]) })]), '[{"foo":[1,2,3]}]');
  assert.equal(
    call("json.marshal", RObject.fromRecord({ b: "<&>", a: 18446744073709551618n })),
    '{"a":18446744073709551618,"b":"\\u003c\\u0026\\u003e"}',
  );
  assert.equal(call("json.marshal", RObject.fromEntries([[1, "x"]])), '{"1":"x"}');
});

test("json.marshal_with_options", () => {
  const v = [1234567890, 2000000, 1000000000];
  assert.equal(
    call("json.marshal_with_options", v, RObject.fromRecord({})),
    "[1234567890,2000000,1000000000]",
  );
  assert.equal(
    call("json.marshal_with_options", v, RObject.fromRecord({ pretty: true })),
    "[\n\t1234567890,\n\t2000000,\n\t1000000000\n]",
  );
  assert.equal(
    call(
      "json.marshal_with_options",
      RObject.fromRecord({ foo: "bar", bar: "baz" }),
      RObject.fromRecord({ prefix: "JSON => " }),
    ),
    'JSON => {\nJSON => \t"bar": "baz",\nJSON => \t"foo": "bar"\nJSON => }',
  );
  assert.equal(
    call("json.marshal_with_options", [], RObject.fromRecord({ indent: "    ", prefix: "---" })),
    "---[]",
  );
  assert.equal(
    call(
      "json.marshal_with_options",
      v,
      RObject.fromRecord({ pretty: false, prefix: "NO!", indent: "BAD!" }),
    ),
    "[1234567890,2000000,1000000000]",
  );
  fails(
    () =>
      call("json.marshal_with_options", [], RObject.fromRecord({ include_winning_lottery_numbers: true })),
    "eval_type_error",
    'json.marshal_with_options: operand 2 object contained unknown key "include_winning_lottery_numbers"',
  );
});

test("json.unmarshal and json.is_valid", () => {
  assert.ok(equals(call("json.unmarshal", '[{"foo":[1,2,3]}]')!, [RObject.fromRecord({ foo: [1, 2, 3] })]));
  assert.equal(call("json.unmarshal", "18446744073709551617"), 18446744073709551617n);
  // Exact like OPA's json.Number: no Infinity, no rounding of integral exponent forms.
  assert.equal(call("json.unmarshal", "1e400"), 10n ** 400n);
  assert.equal(call("json.unmarshal", "1.2345678901234567891e25"), 12345678901234567891000000n);
  assert.equal(call("json.unmarshal", "-0"), 0);
  assert.throws(
    () => call("json.unmarshal", "1e99999"),
    (e: unknown) => e instanceof BuiltinError && /too big/.test(e.detail),
  );
  assert.equal(call("json.is_valid", '{"a": 1}'), true);
  assert.equal(call("json.is_valid", "{a: 1}"), false);
  assert.equal(call("json.is_valid", 1), false);
  fails(() => call("json.unmarshal", "{"), "eval_builtin_error", "json.unmarshal: unexpected EOF");
  fails(
    () => call("json.unmarshal", "[1 2]"),
    "eval_builtin_error",
    "json.unmarshal: invalid character '2' after array element",
  );
  fails(
    () => call("json.unmarshal", 1),
    "eval_type_error",
    "json.unmarshal: operand 1 must be string but got number",
  );
});

test("yaml round trip, YAML 1.1 scalars, go-yaml error text", () => {
  const text = call("yaml.marshal", [RObject.fromRecord({ foo: RSet.of([1, 2, 3]), s: "yes" })]) as string;
  assert.equal(text, '- foo:\n  - 1\n  - 2\n  - 3\n  s: "yes"\n');
  assert.ok(equals(call("yaml.unmarshal", text)!, [RObject.fromRecord({ foo: [1, 2, 3], s: "yes" })]));
  assert.equal(call("yaml.unmarshal", "a: yes") instanceof RObject, true);
  assert.equal((call("yaml.unmarshal", "a: yes") as RObject).get("a"), true);
  assert.equal((call("yaml.unmarshal", "1: x") as RObject).get("1"), "x");
  // go-yaml v2 has no base-60 numbers and keeps timestamps as strings.
  assert.equal((call("yaml.unmarshal", "a: 1:20") as RObject).get("a"), "1:20");
  assert.equal((call("yaml.unmarshal", "a: 2001-12-14") as RObject).get("a"), "2001-12-14");
  assert.equal((call("yaml.unmarshal", "a: 0o17") as RObject).get("a"), 15);
  assert.throws(
    () => call("yaml.unmarshal", "[1,2,3"),
    (e: unknown) =>
      e instanceof BuiltinError && e.detail.startsWith("yaml.unmarshal: yaml: line 1: did not find"),
  );
  assert.equal(call("yaml.is_valid", "foo: bar"), true);
  assert.equal(call("yaml.is_valid", "foo: [bar"), false);
  assert.equal(call("yaml.is_valid", 1), false);
});

test("yaml alias bombs end in a typed error", () => {
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let i = 0; i < 9; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill("*" + String.fromCharCode(97 + i))
        .join(", ")}]`,
    );
  assert.throws(
    () => call("yaml.unmarshal", bomb.join("\n")),
    (e: unknown) => e instanceof BuiltinError,
  );
});
