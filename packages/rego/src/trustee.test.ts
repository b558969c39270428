/**
 * Trustee's default policies (target-policies/trustee): the attestation-service EAR policies with a host
 * `query_reference_value` (regorus `add_extension`, trustee attestation-service/src/ear_token/broker.rs)
 * and the KBS resource policies with `data.plugin`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { Engine } from "./engine.ts";
import { fromJS, toJS } from "./value/json.ts";
import type { Value } from "./value/value.ts";

function policy(...p: string[]): string {
  return readFileSync(vectorPath("target-policies", "trustee", ...p), "utf8");
}

/** The reference-value store the AS would consult (RVPS); unknown ids yield an empty list. */
function earEngine(file: string, refs: Record<string, unknown>): Engine {
  const e = new Engine({ version: "v1" });
  e.addPolicy(file, policy("attestation-service", file));
  e.addBuiltin("query_reference_value", (id: Value) => fromJS(refs[id as string] ?? []), 1);
  return e;
}

const sampleRefs = { launch_digest: ["abcde"], svn: ["1"], major_version: 1, minimum_minor_version: 0 };

test("EAR cpu policy: the sample attester with matching reference values is affirmed", () => {
  const e = earEngine("ear_default_policy_cpu.rego", sampleRefs);
  const input = {
    sample: { svn: "1", launch_digest: "abcde", platform_version: { major: 1, minor: 1 }, debug: false },
  };
  assert.deepEqual(toJS(e.evalRule("data.policy.trust_claims", input)!), {
    configuration: 2,
    executables: 3,
    "file-system": 0,
    hardware: 2,
    "instance-identity": 0,
    "runtime-opaque": 0,
    "sourced-data": 0,
    "storage-opaque": 0,
  });
});

test("EAR cpu policy: a mismatching launch digest keeps the default executables claim", () => {
  const e = earEngine("ear_default_policy_cpu.rego", sampleRefs);
  const input = {
    sample: { svn: "1", launch_digest: "other", platform_version: { major: 1, minor: 1 }, debug: false },
  };
  const claims = toJS(e.evalRule("data.policy.trust_claims", input)!) as Record<string, number>;
  assert.equal(claims.executables, 33);
  assert.equal(claims.hardware, 2);
});

test("EAR cpu policy: no platform gives the 'unrecognised' defaults", () => {
  const e = earEngine("ear_default_policy_cpu.rego", sampleRefs);
  const claims = toJS(e.evalRule("data.policy.trust_claims", {})!) as Record<string, number>;
  assert.deepEqual([claims.executables, claims.hardware, claims.configuration], [33, 97, 36]);
});

test("EAR cpu policy: SNP configuration falls back to the else branch (3) without reference values", () => {
  const e = earEngine("ear_default_policy_cpu.rego", {});
  const input = { snp: { policy_debug_allowed: false, policy_migrate_ma: false, measurement: "m" } };
  const claims = toJS(e.evalRule("data.policy.trust_claims", input)!) as Record<string, number>;
  assert.equal(claims.configuration, 3);
  assert.equal(claims.executables, 33);
});

test("EAR cpu policy: init-data container images become validated identifiers", () => {
  const e = earEngine("ear_default_policy_cpu.rego", {});
  const input = {
    init_data_claims: {
      agent_policy_claims: {
        containers: [
          {
            OCI: {
              Annotations: { "io.kubernetes.cri.image-name": "busybox" },
              Process: { User: { UID: 0 } },
            },
          },
        ],
      },
    },
  };
  assert.deepEqual(toJS(e.evalRule("data.policy.extensions", input)!), [
    {
      key: -18,
      name: "ear.trustee.identifiers",
      value: { validated: { container_images: ["busybox"], container_uids: [0] } },
    },
  ]);
});

for (const file of [
  "ear_default_policy_gpu.rego",
  "ear_default_policy_ppcie.rego",
  "ear_default_policy_switch.rego",
]) {
  test(`EAR ${file} compiles and yields trust claims for an empty input`, () => {
    const e = earEngine(file, {});
    const v = e.evalRule("data.policy", {});
    assert.ok(v !== undefined);
  });
}

test("KBS default policy: resource plugin allowed for a TEE, denied for the sample attester", () => {
  const e = new Engine();
  e.addPolicy("default.rego", policy("kbs", "default.rego"));
  e.addData({ plugin: "resource" });
  assert.equal(
    e.evalRule("data.policy.allow", {
      submods: { cpu0: { "ear.veraison.annotated-evidence": { snp: {} } } },
    }),
    true,
  );
  const sample = {
    submods: { cpu0: { "ear.veraison.annotated-evidence": { sample: { productId: "", svn: "" } } } },
  };
  assert.equal(e.evalRule("data.policy.allow", sample), false);
});

test("KBS affirming policy: every submod must be affirming", () => {
  const e = new Engine();
  e.addPolicy("affirming.rego", policy("kbs", "affirming.rego"));
  assert.equal(e.evalRule("data.policy.allow", { submods: { cpu0: { "ear.status": "affirming" } } }), true);
  assert.equal(
    e.evalRule("data.policy.allow", {
      submods: { cpu0: { "ear.status": "affirming" }, gpu0: { "ear.status": "warning" } },
    }),
    false,
  );
  assert.equal(e.evalRule("data.policy.allow", { submods: {} }), false);
});

test("KBS allow_all / deny_all", () => {
  const a = new Engine();
  a.addPolicy("allow_all.rego", policy("kbs", "allow_all.rego"));
  a.addData({ plugin: "resource" });
  assert.equal(a.evalRule("data.policy.allow", {}), true);
  const d = new Engine();
  d.addPolicy("deny_all.rego", policy("kbs", "deny_all.rego"));
  assert.equal(d.evalRule("data.policy.allow", {}), false);
});
