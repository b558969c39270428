import { test } from "node:test";
import assert from "node:assert/strict";
import { RObject, RSet, type Value } from "../value/value.ts";
import { goYamlKeyLess, goYamlMarshal } from "./goyaml-emit.ts";

const o = (r: Record<string, Value>): RObject => RObject.fromRecord(r);

// Expected texts from go-yaml v2's own encode tests (sigs.k8s.io/yaml goyaml.v2 encode_test.go).
test("scalars and quoting as go-yaml v2 marshals them", () => {
  const cases: [Value, string][] = [
    [null, "null\n"],
    [o({}), "{}\n"],
    [o({ v: "hi" }), "v: hi\n"],
    [o({ v: "true" }), 'v: "true"\n'],
    [o({ v: true }), "v: true\n"],
    [o({ v: -10 }), "v: -10\n"],
    [o({ v: 4294967296 }), "v: 4294967296\n"],
    [o({ v: "10" }), 'v: "10"\n'],
    [o({ v: 0.1 }), "v: 0.1\n"],
    [o({ v: -0.1 }), "v: -0.1\n"],
    [o({ v: null }), "v: null\n"],
    [o({ v: "" }), 'v: ""\n'],
    [o({ v: ["A", "B"] }), "v:\n- A\n- B\n"],
    [o({ v: ["A", "B\nC"] }), "v:\n- A\n- |-\n  B\n  C\n"],
    [o({ v: ["A", 1, o({ B: [2, 3] })] }), "v:\n- A\n- 1\n- B:\n  - 2\n  - 3\n"],
    [o({ a: o({ b: "c" }) }), "a:\n  b: c\n"],
    [o({ a: "-" }), "a: '-'\n"],
    [123, "123\n"],
    [o({ a: "<foo>" }), "a: <foo>\n"],
    [o({ a: "1:1" }), 'a: "1:1"\n'],
    [o({ a: "\u0000" }), 'a: "\\0"\n'],
    [o({ a: "你好" }), "a: 你好\n"],
    [o({ a: "2015-02-24T18:19:39Z" }), 'a: "2015-02-24T18:19:39Z"\n'],
    [o({ a: "b: c" }), "a: 'b: c'\n"],
    [o({ a: "Hello #comment" }), "a: 'Hello #comment'\n"],
    [o({ a: "你好 #comment" }), "a: '你好 #comment'\n"],
    [o({ a: 5 }), "a: 5\n"],
    [o({ a: 100.5 }), "a: 100.5\n"],
  ];
  for (const [v, want] of cases) assert.equal(goYamlMarshal(v), want);
});

test("long scalars fold at column 80", () => {
  const s =
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 ";
  assert.equal(
    goYamlMarshal(o({ a: s })),
    "a: 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 abcdefghijklmnopqrstuvwxyz\n" +
      "  ABCDEFGHIJKLMNOPQRSTUVWXYZ 1234567890 '\n",
  );
});

test("nesting: indentless sequences in mappings, sets as sorted sequences, empty collections inline", () => {
  assert.equal(goYamlMarshal([o({ foo: RSet.of([3, 1, 2]) })]), "- foo:\n  - 1\n  - 2\n  - 3\n");
  assert.equal(goYamlMarshal([[1, [2]], []]), "- - 1\n  - - 2\n- []\n");
  assert.equal(
    goYamlMarshal(o({ a: [], b: o({}), c: o({ d: [o({ e: 1, f: 2 })] }) })),
    "a: []\nb: {}\nc:\n  d:\n  - e: 1\n    f: 2\n",
  );
  assert.equal(
    goYamlMarshal(o({ x: 18446744073709551615n, y: 123456789012345678901234567890n })),
    'x: 18446744073709551615\n"y": 1.2345678901234568e+29\n',
  );
  assert.equal(goYamlMarshal("a\nb"), "|-\n  a\n  b\n");
  assert.equal(goYamlMarshal(o({ t: "tab\there" })), 't: "tab\\there"\n');
});

test("keys sort in go-yaml's natural order", () => {
  const order = [
    "",
    ".1",
    ".2",
    ".a",
    "1",
    "2",
    "a!10",
    "a/0001",
    "a/002",
    "a/3",
    "a/10",
    "a/11",
    "a/0012",
    "a/100",
    "a~10",
    "ab/1",
    "b/1",
    "b/01",
    "b/2",
    "b/02",
    "b/3",
    "b/03",
    "b1",
    "b01",
    "b3",
    "c2.10",
    "c10.2",
    "d1",
    "d7",
    "d7abc",
    "d12",
    "d12a",
  ];
  const shuffled = [...order].reverse();
  shuffled.sort((a, b) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0));
  assert.deepEqual(shuffled, order);
});
