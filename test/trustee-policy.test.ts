/**
 * Our verifiers' claims, shaped into the AS policy input exactly as Trustee's `transform_claims` does
 * (test/support/trustee-as-input.ts), run Trustee's default EAR CPU policy unchanged
 * (vectors/target-policies/trustee/attestation-service/ear_default_policy_cpu.rego).
 *
 * Every expected trust-claim value below is read off the policy text (defaults 33/97/36/0…, SNP/TDX/Azure
 * branches), not copied from an engine run.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import {
  collateralFromQvlJson,
  verifyAzSnpVtpm,
  verifySnp,
  verifyTdx,
  type VerifyResult,
} from "@cocoon/evidence";
import { toJS } from "@cocoon/rego";
import { trusteeAsEngine, trusteeAsInput, TrusteeInputError } from "./support/trustee-as-input.ts";

const POLICY_FILE = "ear_default_policy_cpu.rego";
const POLICY = readFileSync(
  vectorPath("target-policies", "trustee", "attestation-service", POLICY_FILE),
  "utf8",
);

/** The policy's defaults: "no assertion" (0) for the trust claims it never sets. */
const UNSET = {
  "file-system": 0,
  "instance-identity": 0,
  "runtime-opaque": 0,
  "sourced-data": 0,
  "storage-opaque": 0,
};

function trustClaims(refs: Record<string, unknown>, input: unknown): Record<string, unknown> {
  const value = trusteeAsEngine(POLICY_FILE, POLICY, refs).evalRule("data.policy.trust_claims", input);
  assert.ok(value !== undefined, "trust_claims is always defined (every claim has a default)");
  return toJS(value) as Record<string, unknown>;
}

function verdict(executables: number, hardware: number, configuration: number): Record<string, number> {
  return { executables, hardware, configuration, ...UNSET };
}

// ---------------------------------------------------------------------------------------------------------
// (a) SNP: the genuine Genoa v3 report from Trustee's test data, valid under the secure defaults (its
// snp/verify.test.ts expectation list is empty). "now" inside the VCEK's validity window.
// ---------------------------------------------------------------------------------------------------------
describe("SNP (snp/trustee_genoa_v3) under Trustee's EAR CPU policy", () => {
  const snp = verifySnp(readFileSync(vectorPath("snp", "trustee_genoa_v3", "report.bin")), {
    now: new Date("2026-06-01T00:00:00Z"),
    certificates: [readFileSync(vectorPath("snp", "trustee_genoa_v3", "vcek.der"))],
  });
  const expected = JSON.parse(
    readFileSync(vectorPath("snp", "trustee_genoa_v3", "report.expected.json"), "utf8"),
  ) as {
    decoded: { measurement: string; reported_tcb: { bl: number; tee: number; snp: number; ucode: number } };
  };
  const tcb = expected.decoded.reported_tcb;
  const input = trusteeAsInput(snp);
  // Reference values equal to the report (from expected.json, not from our verifier): RVPS ids of the policy.
  const refs: Record<string, unknown> = {
    snp_launch_measurement: [expected.decoded.measurement],
    snp_bootloader: [tcb.bl],
    snp_microcode: [tcb.ucode],
    snp_snp_svn: [tcb.snp],
    snp_tee_svn: [tcb.tee],
    // Compared with `==`, so scalars. POLICY 0x30000: ABI 0.0, SMT allowed, not single-socket;
    // PLATFORM_INFO 0x25: SMT enabled (bit 0), TSME off (bit 1).
    snp_smt_enabled: true,
    snp_tsme_enabled: false,
    snp_guest_abi_major: 0,
    snp_guest_abi_minor: 0,
    snp_single_socket: false,
    snp_smt_allowed: true,
  };

  test("the report verifies and the input has Trustee's shape (report_data/init_data hoisted)", () => {
    assert.deepEqual(snp.failures, []);
    assert.deepEqual(Object.keys(input).sort(), [
      "init_data",
      "init_data_claims",
      "report_data",
      "runtime_data_claims",
      "snp",
    ]);
    const tee = input.snp as Record<string, unknown>;
    assert.equal("report_data" in tee || "init_data" in tee, false);
    assert.equal(input.init_data, "00".repeat(32), "HOST_DATA, hex");
    assert.equal(input.report_data, snp.claims.report_data);
    // Every claim Trustee's parse_tee_evidence (deps/verifier/src/snp/mod.rs) emits, with its JSON type.
    assert.deepEqual(
      {
        policy_abi_major: tee.policy_abi_major,
        policy_abi_minor: tee.policy_abi_minor,
        policy_smt_allowed: tee.policy_smt_allowed,
        policy_migrate_ma: tee.policy_migrate_ma,
        policy_debug_allowed: tee.policy_debug_allowed,
        policy_single_socket: tee.policy_single_socket,
        reported_tcb_bootloader: tee.reported_tcb_bootloader,
        reported_tcb_tee: tee.reported_tcb_tee,
        reported_tcb_snp: tee.reported_tcb_snp,
        reported_tcb_microcode: tee.reported_tcb_microcode,
        platform_tsme_enabled: tee.platform_tsme_enabled,
        platform_smt_enabled: tee.platform_smt_enabled,
        measurement: tee.measurement,
      },
      {
        policy_abi_major: 0,
        policy_abi_minor: 0,
        policy_smt_allowed: true,
        policy_migrate_ma: false,
        policy_debug_allowed: false,
        policy_single_socket: false,
        reported_tcb_bootloader: tcb.bl,
        reported_tcb_tee: tcb.tee,
        reported_tcb_snp: tcb.snp,
        reported_tcb_microcode: tcb.ucode,
        platform_tsme_enabled: false,
        platform_smt_enabled: true,
        measurement: expected.decoded.measurement,
      },
    );
    assert.match(tee.chip_id as string, /^[0-9a-f]{128}$/);
  });

  test("matching reference values: executables 3, hardware 2, configuration 2", () => {
    assert.deepEqual(trustClaims(refs, input), verdict(3, 2, 2));
  });

  test("a wrong reference measurement: executables back to 33, the rest unchanged", () => {
    const wrong = { ...refs, snp_launch_measurement: ["00".repeat(48)] };
    assert.deepEqual(trustClaims(wrong, input), verdict(33, 2, 2));
  });

  test("a newer required microcode: hardware back to 97", () => {
    assert.deepEqual(trustClaims({ ...refs, snp_microcode: [tcb.ucode + 1] }, input), verdict(3, 97, 2));
  });

  test("an empty RVPS (null for every id): 33, 97, and configuration's else branch 3 (no debug, no MA)", () => {
    assert.deepEqual(trustClaims({}, input), verdict(33, 97, 3));
  });

  test("no init-data supplied: the identifiers extension validates nothing", () => {
    const value = trusteeAsEngine(POLICY_FILE, POLICY, refs).evalRule("data.policy.extensions", input);
    assert.deepEqual(toJS(value!), [{ name: "ear.trustee.identifiers", key: -18, value: { validated: {} } }]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// (b) TDX: dcap-qvl's genuine TDX v4 quote with its collateral; time pinned inside the collateral window
// 2025-06-19T10:32:27Z .. 2025-07-19T10:00:35Z (tdx_quote.expected.json verification_time_window).
// ---------------------------------------------------------------------------------------------------------
describe("TDX (tdx/dcapqvl/tdx_quote.bin) under Trustee's EAR CPU policy", () => {
  const tdx = verifyTdx(readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote.bin")), {
    now: new Date("2025-07-01T00:00:00Z"),
    collateral: collateralFromQvlJson(
      readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote_collateral.json"), "utf8"),
    ),
  });
  const expected = JSON.parse(
    readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote.expected.json"), "utf8"),
  ) as {
    report: { mr_td: string; rtmr1: string; rtmr2: string; xfam: string };
  };
  const rep = expected.report;
  const input = trusteeAsInput(tdx);
  const refs: Record<string, unknown> = {
    rtmr_1: [rep.rtmr1],
    rtmr_2: [rep.rtmr2],
    mr_td: [rep.mr_td],
    xfam: [rep.xfam],
  };

  test("the quote verifies and the input has Trustee's shape", () => {
    assert.deepEqual(tdx.failures, []);
    assert.deepEqual(Object.keys(input).sort(), [
      "init_data",
      "init_data_claims",
      "report_data",
      "runtime_data_claims",
      "tdx",
    ]);
    const claims = input.tdx as {
      quote: { header: Record<string, string>; body: Record<string, string> };
      td_attributes: { debug: boolean };
      tcb_status: string;
      collateral_expiration_status: string;
    };
    // The fields the policy's TDX rules read, with Trustee's encodings (deps/verifier/src/tdx/{claims,mod}.rs).
    assert.equal(claims.quote.header.tee_type, "81000000");
    assert.equal(claims.quote.header.vendor_id, "939a7233f79c4ca9940a0db3957f0607");
    assert.equal(claims.quote.body.mr_td, rep.mr_td);
    assert.equal(claims.quote.body.rtmr_1, rep.rtmr1);
    assert.equal(claims.quote.body.rtmr_2, rep.rtmr2);
    assert.equal(claims.quote.body.xfam, rep.xfam);
    assert.equal(claims.td_attributes.debug, false);
    assert.equal(claims.tcb_status, "UpToDate");
    assert.equal(claims.collateral_expiration_status, "0");
    assert.equal("uefi_event_logs" in claims, false, "raw quote: no CC event log");
  });

  test("matching references: executables 4 (the RTMR-only 'Grub' branch), hardware 2, configuration 2", () => {
    // executables := 3 needs tdx_uefi_event_tdvfkernel_ok, which iterates input.tdx.uefi_event_logs: absent for
    // a bare quote, so the first body is undefined and the `else := 4` body (RTMR 1 and 2 only) applies.
    assert.deepEqual(trustClaims(refs, input), verdict(4, 2, 2));
  });

  test("executables 3 is unreachable without uefi_event_logs, even with kernel digests referenced", () => {
    const withKernel = { ...refs, tdvfkernel: "00".repeat(48), tdvfkernelparams: "00".repeat(48) };
    assert.equal(trustClaims(withKernel, input).executables, 4);
  });

  test("a wrong RTMR[1] reference: executables 33; a wrong MRTD: hardware 97; a wrong XFAM: configuration 36", () => {
    assert.deepEqual(trustClaims({ ...refs, rtmr_1: ["00".repeat(48)] }, input), verdict(33, 2, 2));
    assert.deepEqual(trustClaims({ ...refs, mr_td: ["00".repeat(48)] }, input), verdict(4, 97, 2));
    assert.deepEqual(trustClaims({ ...refs, xfam: ["0000000000000000"] }, input), verdict(4, 2, 36));
  });

  test("an empty RVPS: 33, 97, 36", () => {
    assert.deepEqual(trustClaims({}, input), verdict(33, 97, 36));
  });
});

// ---------------------------------------------------------------------------------------------------------
// (c) Azure SNP CVM (az-snp-vtpm v2 evidence). Trustee's parse_tee_evidence_az
// (deps/verifier/src/az_snp_vtpm/mod.rs) emits every SNP field as a STRING and the measurement in base64;
// extend_claim adds tpm.pcrNN (hex) and overwrites init_data (PCR[8]) and report_data (TPM nonce).
// ---------------------------------------------------------------------------------------------------------
describe("Azure SNP vTPM (azure/snp/evidence-v2.json) under Trustee's EAR CPU policy", () => {
  const expected = JSON.parse(
    readFileSync(vectorPath("azure", "snp", "evidence-v2.expected.json"), "utf8"),
  ) as {
    tpm_nonce_hex: string;
    pcr08: string;
    snp: { measurement: string; reported_tcb: { bl: number; tee: number; snp: number; ucode: number } };
  };
  const az: VerifyResult = verifyAzSnpVtpm(
    readFileSync(vectorPath("azure", "snp", "evidence-v2.json"), "utf8"),
    {
      expectedReportData: Buffer.from(expected.tpm_nonce_hex, "hex"),
      now: new Date("2026-06-01T00:00:00Z"),
    },
  );
  const input = trusteeAsInput(az);
  const tcb = expected.snp.reported_tcb;
  const measurementB64 = Buffer.from(expected.snp.measurement, "hex").toString("base64");
  const pcr11 = ((input["az-snp-vtpm"] as { tpm: Record<string, string> }).tpm ?? {}).pcr11;
  // Every Azure rule uses `in`, so each reference is a list; values are strings like Trustee's claims.
  // POLICY 0x3001f (expected.json): ABI 0.31, SMT allowed (bit 16), not single-socket (bit 20).
  const refs: Record<string, unknown> = {
    measurement: [measurementB64],
    snp_pcr11: [pcr11],
    tcb_bootloader: [String(tcb.bl)],
    tcb_microcode: [String(tcb.ucode)],
    tcb_snp: [String(tcb.snp)],
    tcb_tee: [String(tcb.tee)],
    smt_enabled: ["true"],
    tsme_enabled: ["false"],
    abi_major: ["0"],
    abi_minor: ["31"],
    single_socket: ["false"],
    smt_allowed: ["true"],
  };

  test("the evidence verifies and the input has Trustee's shape and string encodings", () => {
    assert.deepEqual(az.failures, []);
    assert.deepEqual(Object.keys(input).sort(), [
      "az-snp-vtpm",
      "init_data",
      "init_data_claims",
      "report_data",
      "runtime_data_claims",
    ]);
    assert.equal(input.report_data, expected.tpm_nonce_hex, "the TPM quote nonce, hex");
    assert.equal(input.init_data, expected.pcr08, "PCR[8], hex");
    const tee = input["az-snp-vtpm"] as Record<string, unknown>;
    assert.equal(tee.measurement, measurementB64);
    assert.equal(tee.reported_tcb_microcode, String(tcb.ucode));
    assert.equal(tee.policy_debug_allowed, "false");
    assert.match(pcr11 ?? "", /^[0-9a-f]{64}$/);
  });

  test("matching references: executables 3, hardware 2, configuration 2", () => {
    assert.deepEqual(trustClaims(refs, input), verdict(3, 2, 2));
  });

  test("a wrong measurement: executables 33; numeric (not string) TCB references: hardware 97", () => {
    assert.deepEqual(trustClaims({ ...refs, measurement: ["AAAA"] }, input), verdict(33, 2, 2));
    assert.deepEqual(trustClaims({ ...refs, tcb_bootloader: [tcb.bl] }, input), verdict(3, 97, 2));
  });

  test("an empty RVPS: 33, 97, 36 (the Azure branch has no configuration fallback)", () => {
    assert.deepEqual(trustClaims({}, input), verdict(33, 97, 36));
  });
});

test("the adapter rejects a non-string hoisted claim with a typed error, as Trustee's unwrap would fail", () => {
  const bad: VerifyResult = { tee: "snp", valid: true, claims: { report_data: 7 }, checks: [], failures: [] };
  assert.throws(
    () => trusteeAsInput(bad),
    (e: unknown) => e instanceof TrusteeInputError && e.code === "TRUSTEE_INPUT",
  );
});

test("runtime-data claims lose additional-evidence unless verbose, as in transform_claims", () => {
  const r: VerifyResult = {
    tee: "sample",
    valid: true,
    claims: { report_data: "x", svn: "1" },
    checks: [],
    failures: [],
  };
  const runtimeDataClaims = { nonce: "n", "additional-evidence": "{}" };
  assert.deepEqual(trusteeAsInput(r, { runtimeDataClaims }).runtime_data_claims, { nonce: "n" });
  assert.deepEqual(
    trusteeAsInput(r, { runtimeDataClaims, verbose: true }).runtime_data_claims,
    runtimeDataClaims,
  );
  assert.deepEqual(trusteeAsInput(r, { runtimeDataClaims }).sample, { svn: "1" });
});
