/** The Engine API: policies, data, input, rules, queries, host builtins, prints, strictness, clones. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Engine } from "./engine.ts";
import { RegoError } from "./errors.ts";
import { RSet } from "./value/value.ts";
import { toJS } from "./value/json.ts";

const POLICY = `package app
import rego.v1

default allow := false
allow if {
  print("checking", input.user, "in", data.admins)
  input.user in data.admins
}
names contains n if some n in data.admins
limit := lookup_limit(input.user)
`;

test("evalRule, evalQuery bindings/expressions, sets and undefined", () => {
  const e = new Engine();
  assert.equal(e.addPolicy("app.rego", POLICY), "data.app");
  e.addData({ admins: ["ann", "bob"] });
  e.addBuiltin("lookup_limit", (u) => (u === "ann" ? 10 : undefined));
  assert.equal(e.evalRule("data.app.allow", { user: "ann" }), true);
  assert.equal(e.evalRule("data.app.allow", { user: "eve" }), false);
  assert.ok(e.evalRule("data.app.names") instanceof RSet);
  assert.equal(e.evalRule("data.app.limit", { user: "ann" }), 10);
  assert.equal(e.evalRule("data.app.limit", { user: "eve" }), undefined);
  const q = e.evalQuery('some n in data.app.names; n != "ann"');
  assert.deepEqual(
    q.result.map((r) => r.bindings),
    [{ n: "bob" }],
  );
  assert.deepEqual(e.evalQuery("data.app.nothing"), { result: [] });
});

test("prints are gathered as <file>:<row>: <msg> only when enabled", () => {
  const e = new Engine();
  e.addPolicy("app.rego", POLICY);
  e.addData({ admins: ["ann"] });
  e.addBuiltin("lookup_limit", () => 1, 1);
  e.evalRule("data.app.allow", { user: "ann" });
  assert.deepEqual(e.takePrints(), []);
  e.enablePrint(true);
  e.evalRule("data.app.allow", { user: "ann" });
  assert.deepEqual(e.takePrints(), ['app.rego:6: checking ann in ["ann"]']);
  e.evalRule("data.app.allow", {});
  assert.deepEqual(e.takePrints(), ['app.rego:6: checking <undefined> in ["ann"]']);
});

test("clone shares compiled policies but not data or prints", () => {
  const e = new Engine();
  e.addPolicy("app.rego", POLICY);
  e.addData({ admins: ["ann"] });
  e.addBuiltin("lookup_limit", () => 1, 1);
  e.compile();
  const c = e.clone();
  c.addData({ admins: ["eve"] });
  assert.equal(c.evalRule("data.app.allow", { user: "eve" }), true);
  assert.equal(e.evalRule("data.app.allow", { user: "eve" }), false);
});

test("builtin errors: undefined by default, the error in strict mode", () => {
  const src = "package m\nx := to_number(input.s)";
  const lax = new Engine();
  lax.addPolicy("m.rego", src);
  assert.equal(lax.evalRule("data.m.x", { s: "nope" }), undefined);
  const strict = new Engine({ strict: true });
  strict.addPolicy("m.rego", src);
  assert.throws(
    () => strict.evalRule("data.m.x", { s: "nope" }),
    (err: unknown) =>
      err instanceof RegoError && err.code === "eval_builtin_error" && /m\.rego:2/.test(err.message),
  );
});

test("conflicts are eval_conflict_error with OPA's messages", () => {
  const e = new Engine();
  e.addPolicy("c.rego", "package c\np := 1 if input.a\np := 2 if input.b\nf(x) := 1\nf(x) := 2\nq := f(1)");
  assert.throws(
    () => e.evalRule("data.c.p", { a: true, b: true }),
    /complete rules must not produce multiple outputs/,
  );
  assert.equal(e.evalRule("data.c.p", { a: true }), 1);
  assert.throws(() => e.evalRule("data.c.q"), /functions must not produce multiple outputs for same inputs/);
});

test("with replaces input, data and functions for one literal", () => {
  const e = new Engine();
  e.addPolicy(
    "w.rego",
    "package w\nimport rego.v1\nr := input.x + data.k\np := y if y := r with input.x as 1 with data.k as 2\nq := y if y := count([1, 2]) with count as 7",
  );
  assert.equal(e.evalRule("data.w.p"), 3);
  assert.equal(e.evalRule("data.w.q"), 7);
  assert.deepEqual(toJS(e.evalRule("data.w")!), { p: 3, q: 7 });
});
