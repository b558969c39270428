/**
 * Function-definition indexing is on only with printing off, so the Kata vectors (which gather
 * prints) do not exercise it: here every Kata request runs again with prints off and must still give
 * the recorded result, and small policies check each guard shape and when indexing must stay off.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { vectorPath } from "@cocoon/core";
import { Engine } from "../engine.ts";
import { parseJSON, toJS } from "../value/json.ts";
import type { Value } from "../value/value.ts";
import { guardsOf } from "./fn-index.ts";
import { Compiler } from "../compile/compiler.ts";
import { builtinTable } from "../builtins/registry.ts";
import { parseModule } from "../syntax/index.ts";

test("every Kata request gives the recorded result with prints off (indexing on)", () => {
  const root = vectorPath("regorus-kata", "data");
  let n = 0;
  for (const dir of readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory())) {
    const engine = new Engine({ version: "v0" });
    engine.addPolicy("policy.rego", readFileSync(join(root, dir, "policy.rego"), "utf8"));
    const outputs = JSON.parse(readFileSync(join(root, dir, "outputs.json"), "utf8")) as unknown[];
    const lines = readFileSync(join(root, dir, "inputs.txt"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    lines.forEach((line, i) => {
      const [ep, input] = parseJSON(line.trim().replace('"ep":', "").slice(0, -1)) as Value[];
      const r = engine.evalRule(`data.agent_policy.${ep as string}`, input);
      assert.deepEqual(r === undefined ? undefined : toJS(r), outputs[i], `${dir} request ${i}`);
      n++;
    });
  }
  assert.equal(n, 442);
});

const POLICY = `package p
import rego.v1

kind(s) := "tar" if {
  print("tar?")
  s.fstype == "tar"
}
kind(s) := "bind" if s.fstype = "bind"
kind(s) := "same" if {
  s.a == s.b
  s.a != "x"
}
kind(s) := "deep" if s.o.p[0] == 7
kind(s) := "late" if {
  x := s.fstype
  x == "late"
}
is_one(1) := true
pair(a, a) := "rep"
`;

function evalKind(arg: unknown, print: boolean): unknown {
  const e = new Engine();
  e.addPolicy("p.rego", POLICY);
  e.enablePrint(print);
  const q = e.evalQuery("x := data.p.kind(input)", arg);
  return q.result[0]?.bindings?.x;
}

test("guarded definitions give the same results with and without indexing", () => {
  const cases: [unknown, unknown][] = [
    [{ fstype: "tar" }, "tar"],
    [{ fstype: "bind" }, "bind"],
    [{ a: 1, b: 1 }, "same"],
    [{ a: "x", b: "x" }, undefined],
    [{ o: { p: [7] } }, "deep"],
    [{ o: { p: [8] } }, undefined],
    [{ fstype: "late" }, "late"],
    [{ fstype: 3 }, undefined],
    ["not an object", undefined],
  ];
  for (const [arg, want] of cases) {
    assert.deepEqual(evalKind(arg, false), want, JSON.stringify(arg));
    assert.deepEqual(evalKind(arg, true), want, JSON.stringify(arg));
  }
});

test("guards are the leading equalities on argument refs; other shapes are not indexed", () => {
  const c = new Compiler(new Map(builtinTable()));
  const policy = c.compile([parseModule(POLICY, { file: "p.rego", version: "v1" })]);
  const node = policy.root.children.get("p")!;
  const kind = node.children.get("kind")!.rules;
  assert.deepEqual(
    kind.map((r) => guardsOf(r).length),
    [1, 1, 1, 1, 0], // `s.a != "x"` and the `x := s.fstype` binding are not guards
  );
  assert.equal(guardsOf(node.children.get("is_one")!.rules[0]!).length, 0);
  assert.equal(guardsOf(node.children.get("pair")!.rules[0]!).length, 0);
});

test("indexing stays off under a mocked equal, which must still be called", () => {
  const e = new Engine();
  e.addPolicy(
    "m.rego",
    `package m
import rego.v1
f(s) := 1 if s.t == "a"
yes(_, _) := true
out := x if x := f({"t": "b"}) with equal as yes
`,
  );
  assert.equal(e.evalRule("data.m.out"), 1);
});

test("a host builtin replacing equal is called, not indexed around", () => {
  const e = new Engine();
  e.addBuiltin("equal", () => true, 2);
  e.addPolicy(
    "h.rego",
    `package h
import rego.v1
f(s) := 1 if s.t == "a"
out := f({"t": "b"})
`,
  );
  assert.equal(e.evalRule("data.h.out"), 1);
});
