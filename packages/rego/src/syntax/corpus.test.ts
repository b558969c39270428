/**
 * The parser against real Rego: every module, query and input_term of OPA's conformance suite
 * (OPA compiles all of them, so all must parse), and the policies Cocoon must run (Kata genpolicy,
 * hcsshim, regorus's Kata and ACI vectors, Trustee's defaults).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseYAML } from "yaml";
import { vectorPath } from "@cocoon/core";
import { parseModule, parseQuery, parseTerm, type RegoVersion } from "./index.ts";

interface SuiteCase {
  note: string;
  query?: string;
  modules?: string[];
  input_term?: string;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

function firstLine(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0]! : String(e);
}

for (const version of ["v1", "v0"] as const satisfies RegoVersion[]) {
  test(`every module, query and input_term of the OPA conformance suite parses (${version})`, () => {
    const failures: string[] = [];
    let modules = 0;
    let queries = 0;
    let terms = 0;
    for (const file of yamlFiles(vectorPath("opa-conformance", version))) {
      const doc = parseYAML(readFileSync(file, "utf8")) as { cases?: SuiteCase[] };
      for (const c of doc.cases ?? []) {
        (c.modules ?? []).forEach((text, i) => {
          modules++;
          try {
            const m = parseModule(text, { file: `test-${i}.rego`, version });
            assert.ok(m.package.path.length > 0);
          } catch (e) {
            failures.push(`${c.note} module ${i}: ${firstLine(e)}`);
          }
        });
        if (c.query !== undefined) {
          queries++;
          try {
            assert.ok(parseQuery(c.query, { version }).length > 0);
          } catch (e) {
            failures.push(`${c.note} query ${JSON.stringify(c.query)}: ${firstLine(e)}`);
          }
        }
        if (c.input_term !== undefined) {
          terms++;
          try {
            parseTerm(c.input_term, { version });
          } catch (e) {
            failures.push(`${c.note} input_term: ${firstLine(e)}`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
    // The suite's size (rego.md §1.4): guards against silently reading nothing.
    assert.ok(modules > (version === "v1" ? 2200 : 1900), `${modules} modules`);
    assert.ok(queries > (version === "v1" ? 2200 : 1900), `${queries} queries`);
    assert.equal(terms, 87);
  });
}

/** Policies Cocoon runs, with the Rego version their consumer parses them in (rego.md §2.2). */
const POLICIES: [string[], RegoVersion, number][] = [
  [["genpolicy", "rules.rego"], "v1", 186],
  [["genpolicy", "upstream-pre-tarfs-removal-077c59dd", "rules.rego"], "v1", 157],
  [["genpolicy", "aks-3.2.0.azl3.genpolicy3", "rules.rego"], "v0", 138],
  [["hcsshim", "latest", "framework.rego"], "v1", 0],
  [["hcsshim", "latest", "api.rego"], "v1", 2],
  [["hcsshim", "latest", "open_door.rego"], "v1", 27],
  [["hcsshim", "latest", "policy_with_platform_rules.rego"], "v1", 34],
  [["hcsshim", "api-0.10.0", "framework.rego"], "v0", 241],
  [["hcsshim", "api-0.10.0", "api.rego"], "v0", 2],
  [["regorus-aci", "framework.rego"], "v0", 238],
  [["regorus-aci", "api.rego"], "v0", 2],
  [["regorus-aci", "policy.rego"], "v0", 29],
  [["target-policies", "trustee", "attestation-service", "ear_default_policy_cpu.rego"], "v1", 38],
  [["target-policies", "trustee", "attestation-service", "ear_default_policy_gpu.rego"], "v1", 13],
  [["target-policies", "trustee", "attestation-service", "ear_default_policy_ppcie.rego"], "v1", 9],
  [["target-policies", "trustee", "attestation-service", "ear_default_policy_switch.rego"], "v1", 13],
  [["target-policies", "trustee", "kbs", "default.rego"], "v1", 3],
  [["target-policies", "trustee", "kbs", "affirming.rego"], "v1", 3],
  [["target-policies", "trustee", "kbs", "allow_all.rego"], "v1", 3],
  [["target-policies", "trustee", "kbs", "deny_all.rego"], "v1", 1],
];

for (const [parts, version, rules] of POLICIES) {
  test(`${parts.join("/")} parses as ${version}`, () => {
    const m = parseModule(readFileSync(vectorPath(...parts), "utf8"), { file: parts.at(-1)!, version });
    if (rules > 0) assert.equal(m.rules.length, rules);
    else assert.ok(m.rules.length > 100);
  });
}

test("regorus's Kata policies parse as v0 (regorus runs them with set_rego_v0)", () => {
  const dir = vectorPath("regorus-kata", "data");
  const cases = readdirSync(dir).filter((d) => statSync(path.join(dir, d)).isDirectory());
  assert.equal(cases.length, 12);
  for (const c of cases) {
    const m = parseModule(readFileSync(path.join(dir, c, "policy.rego"), "utf8"), {
      file: "policy.rego",
      version: "v0",
    });
    assert.deepEqual(m.package.path, ["agent_policy"]);
    assert.ok(m.rules.length > 100, c);
  }
});

test("regorus's large.rego ends in a NUL byte, which OPA's scanner rejects", () => {
  const text = readFileSync(vectorPath("regorus-kata", "data", "large.rego"), "utf8");
  assert.throws(
    () => parseModule(text, { file: "large.rego", version: "v0" }),
    (e: Error) => e.message.startsWith("large.rego:2620:2: rego_parse_error: illegal null character"),
  );
  // Everything before the NUL is a valid module.
  assert.ok(parseModule(text.replace(/\0$/, ""), { version: "v0" }).rules.length > 100);
});
