import { test } from "node:test";
import assert from "node:assert/strict";
import { annotationToOPAJSON, metadataChain, parseModule, ruleMetadata } from "./index.ts";

const MODULE = `# METADATA
# description: The Rego test suite
package testing

# METADATA
# scope: document
# title: Testing annotations
# authors:
# - The OPA contributors
# - Jane Doe <jane@example.org>
# related_resources:
# - https://example.com/a
# - ref: https://example.com/b
#   description: more
# schemas:
# - input: schema.input
# - data.x: {type: string}
# custom:
#   level: [1, 2]
p := "foo" if {
	false
}

# A plain comment.

# METADATA
# title: Another annotation
p := x if {
	x := 1
}

q := 1
`;

test("METADATA blocks parse into annotations with OPA's fields and default scopes", () => {
  const m = parseModule(MODULE, { file: "t.rego" });
  const anns = m.annotations!;
  assert.equal(anns.length, 3);
  assert.deepEqual(
    anns.map((a) => [a.scope, a.loc.row, a.target.kind]),
    [
      ["package", 1, "package"],
      ["document", 5, "rule"],
      ["rule", 26, "rule"],
    ],
  );
  assert.equal(anns[0]!.description, "The Rego test suite");
  const doc = anns[1]!;
  assert.deepEqual(doc.authors, [
    { name: "The OPA contributors" },
    { name: "Jane Doe", email: "jane@example.org" },
  ]);
  assert.deepEqual(doc.related_resources, [
    { ref: "https://example.com/a" },
    { ref: "https://example.com/b", description: "more" },
  ]);
  assert.deepEqual(doc.schemas, [
    { path: ["input"], schema: ["schema", "input"] },
    { path: ["data", "x"], definition: { type: "string" } },
  ]);
  assert.deepEqual(doc.custom, { level: [1, 2] });
});

test("rule annotations: document scope applies to every rule at the path, rule scope to the next rule", () => {
  const m = parseModule(MODULE, { file: "t.rego" });
  assert.deepEqual(
    m.rules.map((r) => (r.annotations ?? []).map((a) => a.title)),
    [["Testing annotations"], ["Testing annotations", "Another annotation"], []],
  );
});

test("annotation errors: misplaced scopes, empty blocks, bad references", () => {
  const err = (text: string): string => {
    try {
      parseModule(text, { file: "t.rego" });
      return "";
    } catch (e) {
      return (e as Error).message.split("\n")[0]!;
    }
  };
  assert.equal(
    err("package p\n\n# METADATA\n\n# scope: rule\np if { input.x > 7 }"),
    "t.rego:3:1: rego_parse_error: expected METADATA block, found whitespace",
  );
  assert.equal(
    err("# METADATA\n# scope: rule\npackage p"),
    "t.rego:1:1: rego_parse_error: annotation scope 'rule' must be applied to rule (have package)",
  );
  assert.equal(
    err("package p\n# METADATA\n# scope: package\np := 1"),
    "t.rego:2:1: rego_parse_error: annotation scope 'package' must be applied to package (have rule)",
  );
  assert.equal(
    err("package p\n# METADATA\n# scope: nope\np := 1"),
    "t.rego:2:1: rego_parse_error: invalid annotation scope 'nope'. Use one of 'rule', 'document', 'package', or 'subpackages'",
  );
  assert.equal(
    err("package p\n# METADATA\n# schemas:\n#   - data/servers: schema.servers\np := 1"),
    "t.rego:2:1: rego_parse_error: invalid document reference",
  );
  assert.equal(
    err("package p\n# METADATA\n# schemas:\n#   - data.servers: schema/servers\np := 1"),
    "t.rego:2:1: rego_parse_error: invalid schema reference",
  );
  assert.equal(
    err("package p\n# METADATA\n# entrypoint: true\n# scope: rule\np := 1"),
    "t.rego:2:1: rego_parse_error: annotation entrypoint applied to non-document or package scope 'rule'",
  );
});

test("modules without METADATA carry no annotations", () => {
  assert.equal(parseModule("package p\n# just a comment\nq := 1").annotations, undefined);
});

test("rego.metadata.rule() and chain() lookups (conformance regometadatarule / regometadatachain)", () => {
  const m0 = parseModule(
    `# METADATA
# description: The Rego test suite
package testing

# METADATA
# scope: document
# title: Testing annotations
# authors:
# - The OPA contributors
p := "foo" if {
	false
}

# METADATA
# title: Another annotation
p := x if {
	x := rego.metadata.chain()
}
`,
    { file: "test-0.rego" },
  );
  const [first, second] = m0.rules;
  assert.equal(ruleMetadata(m0, first!), undefined);
  assert.equal(ruleMetadata(m0, second!)?.title, "Another annotation");
  const chain = metadataChain([m0], m0, second!).map((e) => [
    e.path,
    e.annotations && annotationToOPAJSON(e.annotations),
  ]);
  assert.deepEqual(chain, [
    [["testing", "p"], { scope: "rule", title: "Another annotation" }],
    [
      ["testing", "p"],
      { scope: "document", title: "Testing annotations", authors: [{ name: "The OPA contributors" }] },
    ],
    [["testing"], { scope: "package", description: "The Rego test suite" }],
  ]);
  // package annotations apply across the modules of a package
  const a = parseModule("# METADATA\n# description: shared\npackage testing", { file: "a.rego" });
  const b = parseModule("package testing\n\np := rego.metadata.chain()", { file: "b.rego" });
  assert.deepEqual(
    metadataChain([a, b], b, b.rules[0]!).map((e) => [e.path, e.annotations?.description]),
    [
      [["testing", "p"], undefined],
      [["testing"], "shared"],
    ],
  );
});
