import { test } from "node:test";
import assert from "node:assert/strict";
import { templateBuiltins } from "./template.ts";
import { BuiltinError } from "../errors.ts";
import { parseJSON, type Value } from "../value/index.ts";
import { runLiteralCases } from "./testing/literal-cases.ts";
import { testContext } from "./testing/context.ts";

const render = (t: string, vars: string): Value | undefined =>
  templateBuiltins[0]!.fn([t, parseJSON(vars)], testContext());

test("rendertemplate conformance cases", () => {
  const r = runLiteralCases(["rendertemplate"], templateBuiltins, () => testContext());
  assert.deepEqual(r.failures, []);
});

test("Go text/template features", () => {
  assert.equal(render("{{.test}}", '{"test": "hello world"}'), "hello world");
  assert.equal(render("{{.n}}", '{"n": 2023}'), "2023");
  assert.equal(
    render(
      "{{range $i, $name := .names}}{{if $i}},{{end}}hello {{$name}}{{end}}",
      '{"names": ["rohan", "john doe"]}',
    ),
    "hello rohan,hello john doe",
  );
  assert.equal(render("test {{.foo}} {{.bar}} {{.baz}}", '{"baz": 1}'), "test <undefined> <undefined> 1");
  assert.equal(render("{{if eq .a 1}}one{{else if eq .a 2}}two{{else}}many{{end}}", '{"a": 2}'), "two");
  assert.equal(
    render("{{with .o}}{{.x}}{{end}}|{{len .l}}|{{index .l 1}}", '{"o": {"x": "X"}, "l": [1, 2, 3]}'),
    "X|3|2",
  );
  assert.equal(render("a  {{- 1 -}}  b {{/* comment */}}c", "{}"), "a1b c");
  assert.equal(render('{{printf "%05.1f|%s" .f .s}}', '{"f": 3.14159, "s": "x"}'), "003.1|x");
  assert.equal(render("{{range .m}}{{.}},{{else}}empty{{end}}", '{"m": {"b": 2, "a": 1}}'), "1,2,");
  assert.equal(render("{{range .m}}{{.}}{{else}}empty{{end}}", '{"m": []}'), "empty");
  assert.equal(render("{{$x := .a}}{{$x}}{{.o}}", '{"a": "A", "o": {"k": [1, true]}}'), "Amap[k:[1 true]]");
  assert.equal(render('{{.a | printf "%q"}}', '{"a": "z"}'), '"z"');
  assert.throws(
    () => render("{{.a", "{}"),
    (e: unknown) => e instanceof BuiltinError && e.message.includes("strings.render_template: template:"),
  );
  assert.throws(
    () => render("{{nofn 1}}", "{}"),
    (e: unknown) => e instanceof BuiltinError && e.message.includes('function "nofn" not defined'),
  );
});

test("hostile templates end in typed errors", () => {
  assert.throws(
    () => render("{{if 1}}".repeat(5000) + "{{end}}".repeat(5000), "{}"),
    (e: unknown) => e instanceof BuiltinError,
  );
  assert.throws(
    () => render("{{range 100000}}{{range 100000}}x{{end}}{{end}}", "{}"),
    (e: unknown) => e instanceof BuiltinError && e.message.includes("step limit"),
  );
});

test("pathologically nested pipelines fail cleanly", () => {
  assert.throws(
    () => render("{{" + "(".repeat(100000) + "1" + ")".repeat(100000) + "}}", "{}"),
    (e: unknown) => e instanceof BuiltinError,
  );
});
