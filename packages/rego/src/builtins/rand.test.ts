import { test } from "node:test";
import assert from "node:assert/strict";
import { randBuiltins } from "./rand.ts";
import { opaBuiltins } from "./opa.ts";
import { miscBuiltins } from "./misc.ts";
import { BuiltinError } from "../errors.ts";
import { parseJSON, toJSONText, type Value } from "../value/index.ts";
import { testContext } from "./testing/context.ts";
import type { BuiltinContext } from "./types.ts";

const all = [...randBuiltins, ...opaBuiltins, ...miscBuiltins];
const call = (ctx: BuiltinContext, name: string, ...args: Value[]): Value | undefined =>
  all.find((b) => b.name === name)!.fn(args, ctx);

test("rand.intn is in range and fixed per arguments within a query", () => {
  const ctx = testContext();
  const first = call(ctx, "rand.intn", "key", 100) as number;
  assert.ok(Number.isInteger(first) && first >= 0 && first < 100);
  for (let i = 0; i < 50; i++) assert.equal(call(ctx, "rand.intn", "key", 100), first);
  assert.equal(call(ctx, "rand.intn", "key", 0), 0);
  const neg = call(ctx, "rand.intn", "other", -10) as number;
  assert.ok(neg >= 0 && neg < 10);
  assert.throws(
    () => call(ctx, "rand.intn", "key", 1.5),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.message.includes("rand.intn: operand 2 must be integer number but got floating-point number"),
  );
});

test("uuid.rfc4122 yields version 4 UUIDs, one per argument per query", () => {
  const ctx = testContext();
  const u = call(ctx, "uuid.rfc4122", "a") as string;
  assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(call(ctx, "uuid.rfc4122", "a"), u);
  assert.notEqual(call(ctx, "uuid.rfc4122", "b"), u);
});

test("opa.runtime hides credentials and private keys", () => {
  assert.equal(toJSONText(call(testContext(), "opa.runtime")!), "{}");
  const ctx = testContext();
  ctx.hooks.runtime = () =>
    parseJSON(
      '{"env": {"A": "1"}, "config": {"services": {"s": {"url": "u", "credentials": {"bearer": "x"}}}, "keys": {"k": {"key": "secret", "algorithm": "RS256"}}}}',
    );
  assert.equal(
    toJSONText(call(ctx, "opa.runtime")!),
    '{"config":{"keys":{"k":{"algorithm":"RS256"}},"services":{"s":{"url":"u"}}},"env":{"A":"1"}}',
  );
});

test("trace reports to the host; test.sleep is bounded", () => {
  const ctx = testContext();
  const notes: string[] = [];
  assert.equal(call(ctx, "trace", "hello"), true);
  ctx.hooks.trace = (n) => notes.push(n);
  call(ctx, "trace", "hi");
  assert.deepEqual(notes, ["hi"]);
  assert.equal(call(ctx, "test.sleep", "1ms"), true);
  assert.throws(
    () => call(ctx, "test.sleep", "1h"),
    (e: unknown) => e instanceof BuiltinError && e.code === "eval_limit_error",
  );
  assert.throws(
    () => call(ctx, "test.sleep", "soon"),
    (e: unknown) => e instanceof BuiltinError && e.message.includes('time: invalid duration "soon"'),
  );
});
