/**
 * OPA's conformance suite (v0 and v1 trees): prints per-folder and total counts and fails when the pass
 * share of either tree drops below packages/rego/conformance-baseline.json.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { vectorPath } from "@cocoon/core";
import { runConformance } from "./runner.ts";

const baselinePath = fileURLToPath(new URL("../../conformance-baseline.json", import.meta.url));
const baseline = JSON.parse(readFileSync(baselinePath, "utf8")) as Record<string, number>;

for (const tree of ["v1", "v0"] as const) {
  test(`OPA conformance ${tree} stays at or above the recorded pass share`, () => {
    const report = runConformance({ root: vectorPath("opa-conformance"), trees: [tree] });
    for (const f of report.folders) {
      console.log(`${tree}/${f.folder}: ${f.passed} passed, ${f.failed} failed, ${f.skipped} skipped`);
    }
    for (const x of report.failures) console.log(`FAIL ${tree}/${x.note}: ${x.reason.slice(0, 300)}`);
    const t = report.totals[tree]!;
    const share = t.passed / (t.passed + t.failed + t.skipped);
    console.log(
      `${tree}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${(share * 100).toFixed(2)}%)`,
    );
    assert.ok(t.passed > 0);
    assert.ok(
      share >= baseline[tree]!,
      `${tree} pass share ${share} fell below the baseline ${baseline[tree]}`,
    );
  });
}
