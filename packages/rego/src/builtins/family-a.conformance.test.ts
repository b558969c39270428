/**
 * Family A against OPA's conformance suite: every case of the folders that exercise these builtins must
 * pass (v0 and v1 trees), except the known deviations listed below with their reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { vectorPath } from "@cocoon/core";
import { runConformance } from "../conformance/runner.ts";

const FOLDERS = [
  "aggregates",
  "all",
  "any",
  "arithmetic",
  "array",
  "base64builtins",
  "base64urlbuiltins",
  "bitsand",
  "bitsnegate",
  "bitsor",
  "bitsshiftleft",
  "bitsshiftright",
  "bitsxor",
  "casts",
  "comparisonexpr",
  "globmatch",
  "globquotemeta",
  "globsmatch",
  "hexbuiltins",
  "intersection",
  "jsonbuiltins",
  "jsonfilter",
  "jsonfilteridempotent",
  "jsonpatch",
  "jsonremove",
  "jsonremoveidempotent",
  "numbersrange",
  "numbersrangestep",
  "objectfilter",
  "objectfilteridempotent",
  "objectfilternonstringkey",
  "objectget",
  "objectkeys",
  "objectremove",
  "objectremoveidempotent",
  "objectremovenonstringkey",
  "objectunion",
  "objectunionn",
  "regexfind",
  "regexfindallstringsubmatch",
  "regexisvalid",
  "regexmatch",
  "regexmatchtemplate",
  "regexreplace",
  "regexsplit",
  "replacen",
  "semvercompare",
  "semverisvalid",
  "sets",
  "sprintf",
  "strings",
  "subset",
  "toarray",
  "toset",
  "trim",
  "trimleft",
  "trimprefix",
  "trimright",
  "trimspace",
  "trimsuffix",
  "type",
  "typebuiltin",
  "typenamebuiltin",
  "union",
  "units",
  "urlbuiltins",
  "uuid",
  "walkbuiltin",
];

/**
 * Known deviations, by note. OPA keeps a number literal's text: `sprintf("%v", [2e308])` prints "2e308"
 * because the literal overflows float64 and is not written as an integer. Rego values here carry no
 * text, so the exact integer 2·10^308 prints in full.
 */
const KNOWN: Record<string, string> = {
  "strings/sprintf: float too big": "number literal text is not kept in values",
};

test("family A conformance folders pass in both trees", () => {
  const report = runConformance({ root: vectorPath("opa-conformance"), dirs: FOLDERS });
  const unexpected = report.failures.filter((f) => KNOWN[f.note] === undefined);
  for (const f of unexpected) console.log(`${f.tree}/${f.folder} ${f.note}: ${f.reason.slice(0, 300)}`);
  assert.deepEqual(unexpected, []);
  const passed = report.folders.reduce((n, f) => n + f.passed, 0);
  const skipped = report.folders.reduce((n, f) => n + f.skipped, 0);
  assert.equal(skipped, 0);
  assert.ok(passed >= 1620, `only ${passed} cases passed`);
});
