/** Claims are byte-for-byte Trustee's: compared with Trustee's own expected outputs for the same quotes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { verifySgx, verifyTdx } from "./verify.ts";
import { loadCollateral, loadQuote, readVectorText } from "./test-support.ts";

test("TDX claims equal Trustee's parse_tdx_claims_expected.json for tdx_quote_4 (all but the event log)", () => {
  const expected = JSON.parse(readVectorText("trustee/tdx/parse_tdx_claims_expected.json")) as Record<
    string,
    unknown
  >;
  delete expected["uefi_event_logs"];
  const r = verifyTdx(loadQuote("trustee/tdx/tdx_quote_4.dat"), {
    now: new Date("2025-05-07T00:00:00Z"),
    allowDebug: true,
  });
  const claims = { ...r.claims };
  for (const supplemental of ["tcb_status", "collateral_expiration_status", "advisory_ids"])
    delete claims[supplemental];
  // platform_instance_id as Trustee intel_dcap/pck.rs test `parse_platform_info_platform_ca`.
  assert.equal(claims["platform_instance_id"], "82548d228d94d5e204a95b354dc61a02");
  assert.deepEqual(claims, expected);
});

test("TDX v5 claims carry Trustee's quote.type/size and TD 1.5 body fields", () => {
  const r = verifyTdx(loadQuote("tdx/gotdx/quote_v5_sample.dat"), { now: new Date("2026-02-05T00:00:00Z") });
  const quote = r.claims["quote"] as Record<string, Record<string, string> | string>;
  assert.equal(quote["type"], "0300");
  assert.equal(quote["size"], "88020000");
  const body = quote["body"] as Record<string, string>;
  assert.equal(body["tee_tcb_svn2"], "0d010400000000000000000000000000");
  assert.equal(body["mr_servicetd"], "0".repeat(96));
  assert.equal((quote["header"] as Record<string, string>)["version"], "0500");
});

test("SGX claims equal Trustee's sgx/claims.rs test expectation for occlum_quote.dat", () => {
  // Expected JSON from confidential-containers/trustee deps/verifier/src/sgx/claims.rs `parse_sgx_claims`.
  const expected = {
    header: {
      version: "0300",
      att_key_type: "0200",
      att_key_data_0: "00000000",
      qe_svn: "0800",
      pce_svn: "0d00",
      vendor_id: "939a7233f79c4ca9940a0db3957f0607",
      user_data: "dccde9b31ce8860548173bb4a2a57a1600000000",
    },
    body: {
      cpu_svn: "06060c0cffff00000000000000000000",
      misc_select: "01000000",
      reserved1: "000000000000000000000000",
      isv_ext_prod_id: "00000000000000000000000000000000",
      "attributes.flags": "0700000000000000",
      "attributes.xfrm": "e700000000000000",
      mr_enclave: "8f173e4613ff05c52aaf04162d234edae8c9977eae47eb2299ae16a553011c68",
      reserved2: "0".repeat(64),
      mr_signer: "83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e",
      reserved3: "0".repeat(64),
      config_id: "0".repeat(128),
      isv_prod_id: "0000",
      isv_svn: "0000",
      config_svn: "0000",
      reserved4: "0".repeat(84),
      isv_family_id: "0".repeat(32),
      report_data: "74657374" + "0".repeat(120),
    },
    report_data: "74657374" + "0".repeat(120),
    init_data: "0".repeat(128),
    platform_instance_id: "7a3a6941065cd5060bd93d3db2cfc0c8",
  };
  const r = verifySgx(loadQuote("sgx/trustee/occlum_quote.dat"), { now: new Date("2024-06-01T00:00:00Z") });
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(r.claims[k], v, k);
});

test("supplemental claims follow Trustee's intel_dcap names (tcb_status, collateral_expiration_status, advisory_ids…)", () => {
  const r = verifySgx(loadQuote("sgx/dcapqvl/sgx_quote.bin"), {
    now: new Date("2025-07-01T00:00:00Z"),
    collateral: loadCollateral("sgx/dcapqvl/sgx_quote_collateral.json"),
  });
  assert.equal(r.claims["tcb_status"], "ConfigurationAndSWHardeningNeeded");
  assert.equal(r.claims["collateral_expiration_status"], "0");
  assert.deepEqual(r.claims["advisory_ids"], ["INTEL-SA-00289", "INTEL-SA-00615"]);
  assert.equal(r.claims["sgx_type"], "Standard");
  assert.equal(r.claims["platform_provider_id"], "d04ec06d4e6d92dc90d0ad3cf5ee2ddf");
  // Trustee's sample root_key_id is SHA-384 of the genuine Intel root's public key.
  assert.equal(
    r.claims["root_key_id"],
    "46e403bd34f05a3f2817ab9badcaacc7ffc98e0f261008cd30dae936cace18d5dcf58eef31463613de1570d516200993",
  );
  assert.match(String(r.claims["tcb_date"]), /^\d{4}-\d\d-\d\dT/);
  assert.equal(typeof r.claims["pck_crl_num"], "number");
  assert.match(String(r.claims["earliest_issue_date"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(String(r.claims["earliest_issue_date"]) <= String(r.claims["latest_issue_date"]));
  assert.equal(r.claims["earliest_expiration_date"], "2025-07-19T10:01:18Z");
});
