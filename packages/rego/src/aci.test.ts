/**
 * regorus's ACI vectors (tests/aci/aci.yaml): hcsshim's framework.rego with a generated policy, parsed
 * as Rego v0; each case evaluates a rule path (`eval_rule`) and must equal `want_result[0].x`.
 * Also: hcsshim's current framework.rego (v1) parses, compiles and evaluates an enforcement point.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { vectorPath } from "@cocoon/core";
import { Engine } from "./engine.ts";
import { fromJS, toJS } from "./value/json.ts";
import { keyOf } from "./value/value.ts";

interface AciCase {
  note: string;
  modules: string[];
  data: unknown;
  input: unknown;
  query: string;
  want_result: { x: unknown }[];
}

const dir = vectorPath("regorus-aci");
const cases = (
  YAML.parse(readFileSync(join(dir, "aci.yaml"), "utf8"), { intAsBigInt: true }) as { cases: AciCase[] }
).cases;

test("aci.yaml holds the 9 regorus cases", () => {
  assert.equal(cases.length, 9);
});

for (const c of cases) {
  test(`regorus ${c.note}`, () => {
    const engine = new Engine({ version: "v0" });
    // As regorus's harness: names ending in .rego are files, anything else is inline module text.
    c.modules.forEach((m, i) => {
      if (m.endsWith(".rego")) engine.addPolicy(m, readFileSync(join(dir, m), "utf8"));
      else engine.addPolicy(`rego${i}.rego`, m);
    });
    engine.addData(fromJS(c.data ?? {}));
    engine.setInput(fromJS(c.input));
    const got = engine.evalRule(c.query);
    assert.ok(got !== undefined, `${c.query} is undefined`);
    const want = fromJS(c.want_result[0]!.x);
    assert.equal(
      keyOf(fromJS(toJS(got))),
      keyOf(want),
      JSON.stringify(toJS(got), (_k, v) => (typeof v === "bigint" ? String(v) : v)),
    );
  });
}

test("hcsshim latest framework.rego + api.rego (v1) decide mount_device for a generated policy", () => {
  const hdir = vectorPath("hcsshim", "latest");
  const engine = new Engine({ version: "v1" });
  for (const f of ["framework.rego", "api.rego"]) engine.addPolicy(f, readFileSync(join(hdir, f), "utf8"));
  // A minimal generated policy in the shape of hcsshim's policy.rego template.
  engine.addPolicy(
    "policy.rego",
    `package policy
api_version := "0.12.0"
framework_version := "0.5.0"
containers := [{"layers": ["abc"]}]
mount_device := data.framework.mount_device
`,
  );
  engine.addData({ metadata: {} });
  const input = { target: "/run/layers/p0", deviceHash: "abc", mountPathRegex: "/run/layers/p[0-9]+" };
  const ok = engine.evalRule("data.policy.mount_device", input);
  assert.deepEqual(toJS(ok!), {
    allowed: true,
    metadata: [{ action: "add", key: "/run/layers/p0", name: "devices", value: "abc" }],
  });
  const denied = engine.evalRule("data.policy.mount_device", { ...input, deviceHash: "zzz" });
  assert.deepEqual(toJS(denied!), { allowed: false });
});
