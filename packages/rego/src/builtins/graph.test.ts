import { test } from "node:test";
import assert from "node:assert/strict";
import { graphBuiltins } from "./graph.ts";
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, toJSONText, type Value } from "../value/index.ts";
import type { BuiltinContext } from "./types.ts";

const ctx = (): BuiltinContext => ({
  hooks: { nowNs: () => 0n, random: () => 0.5 },
  strict: true,
  cache: new Map(),
});
const call = (name: string, ...args: Value[]): string =>
  toJSONText(graphBuiltins.find((b) => b.name === name)!.fn(args, ctx())!);
const g = (rec: Record<string, string[]>): RObject =>
  RObject.fromEntries(Object.entries(rec).map(([k, v]) => [k, RSet.of(v)]));

test("graph.reachable follows edges through cycles and ignores unknown vertices", () => {
  assert.equal(call("graph.reachable", g({ a: ["b"], b: ["c"], c: ["a"] }), RSet.of(["a"])), '["a","b","c"]');
  assert.equal(
    call(
      "graph.reachable",
      g({ a: ["b", "c"], b: ["d"], c: ["d"], d: [], e: ["f"], f: ["e"], x: ["x"] }),
      RSet.of(["b", "e"]),
    ),
    '["b","d","e","f"]',
  );
  assert.equal(call("graph.reachable", new RObject(), RSet.of(["a"])), "[]");
  assert.equal(call("graph.reachable", RObject.fromRecord({ a: null }), ["a"]), '["a"]');
  assert.throws(
    () => call("graph.reachable", 1, [1]),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.message === "eval_type_error: graph.reachable: operand 1 must be object but got number",
  );
  assert.throws(
    () => call("graph.reachable", RObject.fromRecord({ a: [] }), "a"),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.code === "eval_type_error" &&
      e.message.includes("operand 2 must be {array, set}"),
  );
});

test("graph.reachable_paths lists maximal simple paths", () => {
  assert.equal(
    call("graph.reachable_paths", g({ a: ["b"], b: ["c", "d"], c: [], d: ["a"] }), RSet.of(["a"])),
    '[["a","b","c"],["a","b","d"]]',
  );
  assert.equal(call("graph.reachable_paths", g({ a: [] }), RSet.of(["a", "z"])), '[["a"]]');
  assert.equal(call("graph.reachable_paths", g({ a: ["q"] }), ["a"]), '[["a"]]');
});
