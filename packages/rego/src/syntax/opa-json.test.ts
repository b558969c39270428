import { test } from "node:test";
import assert from "node:assert/strict";
import { moduleToOPAJSON, parseModule } from "./index.ts";

test("modules serialise in OPA's JSON AST form (rego.parse_module)", () => {
  const m = parseModule(
    "package foo.bar\n\nimport rego.v1\nimport data.a\n\np if { a = true }\nq contains x if some x in [1]\n",
  );
  const j = moduleToOPAJSON(m) as Record<string, any>;
  assert.deepEqual(j.package.path, [
    { type: "var", value: "data" },
    { type: "string", value: "foo" },
    { type: "string", value: "bar" },
  ]);
  assert.deepEqual(j.imports[1], {
    path: {
      type: "ref",
      value: [
        { type: "var", value: "data" },
        { type: "string", value: "a" },
      ],
    },
  });
  const p = j.rules[0];
  assert.equal(p.head.name, "p");
  assert.deepEqual(p.head.value, { type: "boolean", value: true });
  assert.deepEqual(p.body, [
    {
      index: 0,
      terms: [
        { type: "ref", value: [{ type: "var", value: "eq" }] },
        { type: "var", value: "a" },
        { type: "boolean", value: true },
      ],
    },
  ]);
  const q = j.rules[1];
  assert.deepEqual(q.head.key, { type: "var", value: "x" });
  assert.equal(q.body[0].terms.symbols[0].type, "call");
  // The result is plain JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(j)), j);
});
