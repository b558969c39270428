/**
 * Rego engine speed on the target policies (one core, warm):
 *   - parse+compile of the Kata genpolicy policy (goal ≤ 30 ms),
 *   - Kata CreateContainerRequest evaluation, median and p99, prints off (goal median ≤ 1 ms),
 *   - ACI `data.framework.mount_overlay` evaluation (goal ≤ 250 µs; OPA 48–92 µs),
 *   - the OPA conformance suite's wall time (goal ≤ 60 s).
 * `--smoke` runs briefly (CI). Run: `node bench/rego.ts [--smoke]`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { vectorPath } from "@cocoon/core";
import { Engine, parseJSON, runConformance, type Value } from "@cocoon/rego";

const smoke = process.argv.includes("--smoke");

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function timeIt(n: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

// ---- Kata
const kataDir = vectorPath("regorus-kata", "data", "pod-many-layers");
const kataPolicy = readFileSync(join(kataDir, "policy.rego"), "utf8");
const compileRuns = smoke ? 5 : 40;
timeIt(compileRuns, () => {
  const e = new Engine({ version: "v0" });
  e.addPolicy("policy.rego", kataPolicy);
  e.compile();
});
const compile = timeIt(compileRuns, () => {
  const e = new Engine({ version: "v0" });
  e.addPolicy("policy.rego", kataPolicy);
  e.compile();
});
console.log(
  `kata parse+compile (${(kataPolicy.length / 1024).toFixed(0)} KB): median ${percentile(compile, 0.5).toFixed(2)} ms (goal ≤ 30 ms)`,
);

const kata = new Engine({ version: "v0" });
kata.addPolicy("policy.rego", kataPolicy);
const requests: Value[] = readFileSync(join(kataDir, "inputs.txt"), "utf8")
  .split("\n")
  .filter((l) => l.includes('"CreateContainerRequest"'))
  .map((l) => (parseJSON(l.trim().replace('"ep":', "").slice(0, -1)) as Value[])[1]!);
const ccr = (): void => {
  for (const r of requests) kata.evalRule("data.agent_policy.CreateContainerRequest", r);
};
const rounds = smoke ? 5 : 100;
timeIt(rounds, ccr);
const ccrTimes = timeIt(
  rounds * requests.length,
  (() => {
    let i = 0;
    return () => {
      kata.evalRule("data.agent_policy.CreateContainerRequest", requests[i++ % requests.length]!);
    };
  })(),
);
console.log(
  `kata CreateContainerRequest (${requests.length} requests): median ${percentile(ccrTimes, 0.5).toFixed(3)} ms, p99 ${percentile(ccrTimes, 0.99).toFixed(3)} ms (goal median ≤ 1 ms)`,
);

// ---- ACI
const aciDir = vectorPath("regorus-aci");
const aciCases = (
  YAML.parse(readFileSync(join(aciDir, "aci.yaml"), "utf8")) as {
    cases: { note: string; modules: string[]; data: unknown; input: unknown; query: string }[];
  }
).cases;
const overlay = aciCases.find((c) => c.note === "aci/mount_overlay")!;
const aci = new Engine({ version: "v0" });
for (const m of overlay.modules) aci.addPolicy(m, readFileSync(join(aciDir, m), "utf8"));
aci.addData(overlay.data);
aci.setInput(overlay.input);
const aciRuns = smoke ? 50 : 2000;
timeIt(aciRuns, () => aci.evalRule(overlay.query));
const aciTimes = timeIt(aciRuns, () => aci.evalRule(overlay.query));
console.log(
  `aci mount_overlay: median ${(percentile(aciTimes, 0.5) * 1000).toFixed(0)} µs (goal ≤ 250 µs; OPA 48–92 µs)`,
);

// ---- Conformance
const t = performance.now();
const report = runConformance({
  root: vectorPath("opa-conformance"),
  trees: smoke ? ["v1"] : ["v0", "v1"],
  dirs: smoke ? ["helloworld", "eqexpr", "aggregates"] : undefined,
});
const secs = (performance.now() - t) / 1000;
const total = Object.values(report.totals).reduce((a, x) => a + x.passed + x.failed + x.skipped, 0);
console.log(`conformance: ${total} cases in ${secs.toFixed(1)} s (goal ≤ 60 s for the whole suite)`);
