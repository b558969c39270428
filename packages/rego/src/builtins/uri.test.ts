import { test } from "node:test";
import assert from "node:assert/strict";
import { uriBuiltins } from "./uri.ts";
import { BuiltinError } from "../errors.ts";
import { toJSONText, type Value } from "../value/index.ts";
import { runLiteralCases } from "./testing/literal-cases.ts";
import { testContext } from "./testing/context.ts";

const call = (name: string, ...args: Value[]): string =>
  toJSONText(uriBuiltins.find((b) => b.name === name)!.fn(args, testContext())!);

test("uribuiltins conformance cases", () => {
  const r = runLiteralCases(["uribuiltins"], uriBuiltins, () => testContext());
  assert.deepEqual(r.failures, []);
  assert.equal(r.skip, 0);
  assert.equal(r.pass, 25);
});

test("uri.parse follows Go's net/url on edge cases", () => {
  assert.equal(
    call("uri.parse", "http://user:p%40ss@host:80/a%20b?x=1#f%20g"),
    '{"fragment":"f g","hostname":"host","path":"/a b","port":"80","raw_path":"/a b","raw_query":"x=1","scheme":"http"}',
  );
  assert.equal(call("uri.parse", "/relative/path"), '{"path":"/relative/path","raw_path":"/relative/path"}');
  assert.throws(
    () => call("uri.parse", "1http://x"),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.message.includes('parse "1http://x": first path segment in URL cannot contain colon'),
  );
  assert.throws(
    () => call("uri.parse", "http://x/\u0001"),
    (e: unknown) =>
      e instanceof BuiltinError && e.message.includes("net/url: invalid control character in URL"),
  );
  assert.equal(call("uri.is_valid", 5), "false");
});
