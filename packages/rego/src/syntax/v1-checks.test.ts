import { test } from "node:test";
import assert from "node:assert/strict";
import { parseModule, regoV1ModuleErrors } from "./index.ts";

const check = (text: string): string[] =>
  regoV1ModuleErrors(parseModule(text, { file: "m.rego", version: "v1" })).map((e) => e.message);

test("duplicate imports, shadowed roots and deprecated builtins are reported as OPA's compiler does", () => {
  assert.deepEqual(
    check(
      [
        "package p",
        "import data.a.b",
        "import data.c.b",
        "input := 1",
        "f(data) := 1",
        "g(x) := y if { data := 1; y := any([x]) }",
        "h := [z | z := re_match(`a`, `b`)]",
      ].join("\n"),
    ),
    [
      "m.rego:3: rego_compile_error: import must not shadow import data.a.b",
      "m.rego:4: rego_compile_error: rules must not shadow input (use a different rule name)",
      "m.rego:5: rego_compile_error: args must not shadow data (use a different variable name)",
      "m.rego:6: rego_compile_error: variables must not shadow data (use a different variable name)",
      "m.rego:6: rego_type_error: deprecated built-in function calls in expression: any",
      "m.rego:7: rego_type_error: deprecated built-in function calls in expression: re_match",
    ],
  );
});

test("clean modules and aliased imports pass", () => {
  assert.deepEqual(check("package p\nimport data.a.b\nimport data.c.b as d\nq := count([1])"), []);
});
