import { test } from "node:test";
import assert from "node:assert/strict";
import { BuiltinError } from "../errors.ts";
import { parseJSON } from "../value/json.ts";
import { RObject, RSet, equals, type Value } from "../value/value.ts";
import { objectsBuiltins } from "./objects.ts";
import { jsonBuiltins } from "./json.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const defs = new Map([...objectsBuiltins, ...jsonBuiltins].map((d) => [d.name, d]));
const call = (name: string, ...args: Value[]): Value | undefined => defs.get(name)!.fn(args, ctx);
const j = (text: string): Value => parseJSON(text);

function same(actual: Value | undefined, expected: Value): void {
  assert.ok(
    actual !== undefined && equals(actual, expected),
    `got ${JSON.stringify(actual, (_k, v) => (typeof v === "bigint" ? String(v) : v instanceof RObject ? Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), x])) : v instanceof RSet ? [...v] : v))}`,
  );
}

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof BuiltinError && e.code === code && e.detail === message);
}

test("object.get with keys and paths", () => {
  const o = j('{"a": {"b": [10, {"c": 1}]}, "x": null}');
  same(call("object.get", o, "x", "d"), null);
  same(call("object.get", o, "y", "d"), "d");
  same(call("object.get", o, ["a", "b", 1, "c"], "d"), 1);
  same(call("object.get", o, ["a", "b", 5], "d"), "d");
  same(call("object.get", o, [], "d"), o);
  same(call("object.get", RObject.fromRecord({ s: RSet.of(["m"]) }), ["s", "m"], 0), "m");
  fails(
    () => call("object.get", "x", "a", 1),
    "eval_type_error",
    "object.get: operand 1 must be object but got string",
  );
});

test("object.keys, remove, filter", () => {
  same(call("object.keys", j('{"a": 1, "b": 2}')), RSet.of(["a", "b"]));
  same(call("object.remove", j('{"a": 1, "b": 2, "c": 3}'), ["a", "x"]), j('{"b": 2, "c": 3}'));
  same(call("object.remove", j('{"a": 1, "b": 2}'), RObject.fromRecord({ b: 0 })), j('{"a": 1}'));
  same(call("object.filter", j('{"a": 1, "b": 2, "c": 3}'), RSet.of(["a", "c"])), j('{"a": 1, "c": 3}'));
  same(
    call(
      "object.remove",
      RObject.fromEntries([
        [1, "x"],
        [2, "y"],
      ]),
      [1],
    ),
    RObject.fromEntries([[2, "y"]]),
  );
  fails(
    () => call("object.remove", j("{}"), "a"),
    "eval_type_error",
    "object.remove: operand 2 must be one of {object, set, array} but got string",
  );
  fails(
    () => call("object.filter", [], []),
    "eval_type_error",
    "object.filter: operand 1 must be object but got array",
  );
});

test("object.union and union_n merge recursively, right wins", () => {
  same(
    call("object.union", j('{"a": {"b": 1, "c": 2}, "d": 1}'), j('{"a": {"b": 3}, "d": {"x": 1}}')),
    j('{"a": {"b": 3, "c": 2}, "d": {"x": 1}}'),
  );
  same(
    call("object.union_n", [j('{"a": {"b": 2}}'), j('{"a": 4}'), j('{"a": {"c": 3}}')]),
    j('{"a": {"c": 3}}'),
  );
  same(call("object.union_n", []), j("{}"));
  fails(
    () => call("object.union", [], j("{}")),
    "eval_type_error",
    "object.union: operand 1 must be object but got array",
  );
  fails(
    () => call("object.union_n", [1]),
    "eval_type_error",
    "object.union_n: operand 1 must be array of objects but got array containing number",
  );
});

test("object.subset", () => {
  assert.equal(
    call("object.subset", j('{"a": {"b": 1, "c": [1,2,3]}, "d": 1}'), j('{"a": {"c": [2, 3]}}')),
    true,
  );
  assert.equal(call("object.subset", j('{"a": 1}'), j('{"a": 2}')), false);
  assert.equal(call("object.subset", RSet.of([1, 2, 3]), RSet.of([1, 3])), true);
  assert.equal(call("object.subset", [1, 2, 3, 4], [2, 3]), true);
  assert.equal(call("object.subset", [1, 2, 3, 4], [2, 4]), false);
  assert.equal(call("object.subset", [1, 2, 3], RSet.of([3, 1])), true);
  assert.throws(
    () => call("object.subset", 1, [1]),
    (e: unknown) => e instanceof BuiltinError && e.code === "eval_type_error",
  );
});

test("json.filter and json.remove with JSON pointers and segment arrays", () => {
  const doc = j('{"a": {"b": {"c": 7, "d": 8}, "e": [1, 2, 3]}, "f": 9}');
  same(call("json.filter", doc, ["a/b/c", "f"]), j('{"a": {"b": {"c": 7}}, "f": 9}'));
  same(call("json.filter", doc, [["a", "e", "1"]]), j('{"a": {"e": [2]}}'));
  same(call("json.remove", doc, RSet.of(["a/b", "a/e/0"])), j('{"a": {"e": [2, 3]}, "f": 9}'));
  same(call("json.remove", j('{"a~b": 1, "c/d": 2}'), ["/a~0b", "c~1d"]), j("{}"));
  fails(
    () => call("json.remove", doc, "a"),
    "eval_type_error",
    "json.remove: operand 2 must be one of {set, array} but got string",
  );
  fails(
    () => call("json.remove", doc, [1]),
    "eval_type_error",
    "json.remove: operand 2 must be one of {set, array} containing string paths or array of path segments but got number",
  );
  fails(
    () => call("json.filter", [], []),
    "eval_type_error",
    "json.filter: operand 1 must be object but got array",
  );
});

test("json.patch applies RFC 6902 operations; a failing patch is undefined", () => {
  const doc = j('{"a": {"b": [1, 2]}, "c": 1}');
  const p = (ops: string) => call("json.patch", doc, j(ops));
  same(p('[{"op": "add", "path": "/a/b/-", "value": 3}]')!, j('{"a": {"b": [1, 2, 3]}, "c": 1}'));
  same(p('[{"op": "add", "path": "/a/b/0", "value": 0}]')!, j('{"a": {"b": [0, 1, 2]}, "c": 1}'));
  same(p('[{"op": "remove", "path": "/c"}]')!, j('{"a": {"b": [1, 2]}}'));
  same(p('[{"op": "replace", "path": "/a/b/1", "value": 9}]')!, j('{"a": {"b": [1, 9]}, "c": 1}'));
  same(p('[{"op": "move", "from": "/c", "path": "/d"}]')!, j('{"a": {"b": [1, 2]}, "d": 1}'));
  same(p('[{"op": "copy", "from": "/a/b", "path": "/e"}]')!, j('{"a": {"b": [1, 2]}, "c": 1, "e": [1, 2]}'));
  same(p('[{"op": "test", "path": "/c", "value": 1}]')!, doc);
  same(p('[{"op": "add", "path": "", "value": 5}]')!, 5);
  assert.equal(p('[{"op": "test", "path": "/c", "value": 2}]'), undefined);
  assert.equal(p('[{"op": "remove", "path": "/zzz"}]'), undefined);
  assert.equal(p('[{"op": "add", "path": "/x/y", "value": 1}]'), undefined);
  assert.equal(p('[{"op": "bogus", "path": "/c"}]'), undefined);
  // The source document is never mutated.
  same(doc, j('{"a": {"b": [1, 2]}, "c": 1}'));
});
