/** `cocoon rego eval` / `cocoon rego conformance`, run in-process with injected I/O. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { vectorPath } from "@cocoon/core";
import { runRegoConformance, runRegoEval, type RegoIo } from "./rego.ts";
import { captureConsole, type CapturedConsole } from "./capture-console.ts";

function io(files: Record<string, string>): RegoIo & CapturedConsole {
  return Object.assign(captureConsole(), {
    readFile: async (f: string) => {
      const text = files[f];
      if (text === undefined) throw new Error(`ENOENT: ${f}`);
      return text;
    },
  });
}

const policy = `package authz
default allow := false
allow if input.user == data.admins[_]
big := 18446744073709551616
`;

test("rego eval prints opa's JSON shape with expressions and bindings", async () => {
  const r = io({ "p.rego": policy, "in.json": '{"user":"ann"}', "d.json": '{"admins":["ann"]}' });
  const code = await runRegoEval(
    { query: "x := data.authz.allow", files: ["p.rego", "d.json"], input: "in.json" },
    r,
  );
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(r.out), {
    result: [
      {
        expressions: [{ value: true, text: "x := data.authz.allow", location: { row: 1, col: 1 } }],
        bindings: { x: true },
      },
    ],
  });
});

test("rego eval keeps big integers exact and prints {} for an undefined query", async () => {
  const r = io({ "p.rego": policy });
  assert.equal(await runRegoEval({ query: "data.authz.big", files: ["p.rego"] }, r), 0);
  assert.match(r.out, /"value": 18446744073709551616/);
  assert.doesNotMatch(r.out, /bindings/, "no vars bound: bindings omitted as opa eval does");
  const u = io({ "p.rego": policy });
  assert.equal(await runRegoEval({ query: "data.authz.nothing", files: ["p.rego"] }, u), 0);
  assert.equal(u.out, "{}\n");
});

test("rego eval: errors go to stderr with exit 2", async () => {
  const bad = io({ "p.rego": "package x\np := {" });
  assert.equal(await runRegoEval({ query: "data.x.p", files: ["p.rego"] }, bad), 2);
  assert.match(bad.err, /rego_parse_error/);
  assert.equal(bad.out, "");
  const strict = io({});
  assert.equal(await runRegoEval({ query: "x := 1 / 0", strict: true }, strict), 2);
  assert.match(strict.err, /div: divide by zero/);
  const missing = io({});
  assert.equal(await runRegoEval({ query: "true", input: "nope.json" }, missing), 2);
});

test("rego conformance prints per-folder lines and a total", () => {
  const r = io({});
  runRegoConformance(
    { dir: vectorPath("opa-conformance"), trees: ["v1"], folders: ["helloworld", "eqexpr"] },
    r,
  );
  const lines = r.out.trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^v1\/eqexpr: \d+ passed, \d+ failed, \d+ skipped$/);
  assert.match(lines[2]!, /^\d+ passed, 0 failed, 0 skipped$/);
});
