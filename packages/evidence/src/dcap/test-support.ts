/**
 * Test support (not shipped behaviour): reads the shared DCAP vectors in place and resolves the
 * collateral each `*.expected.json` names, including the "mixed" combinations the vector README
 * describes (a teekit PCS tcbInfo + QE identity/CRLs/issuer chains from a dcap-qvl collateral file).
 */
import { existsSync, readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import {
  collateralFromPcs,
  collateralFromQvlJson,
  rawJsonMember,
  type DcapCollateral,
} from "./collateral.ts";

export interface ExpectedVector {
  quote_file: string;
  sha256_quote_bytes: string;
  quote_len: number;
  note?: string;
  header: Record<string, number | string>;
  body_type: number | null;
  report: Record<string, string | number>;
  outer_cert_data_type: number | null;
  inner_cert_data_type: number;
  trailing_bytes_after_quote: number;
  qe_auth_data_len: number;
  checks: Record<string, boolean>;
  signed_region_len: number;
  pck: {
    issuer: string;
    validity: [string, string];
    serial: string;
    fmspc: string;
    pceid: string;
    sgxType: number;
    pcesvn: number;
    cpusvn: string;
    ppid: string;
  };
  qe_report: {
    mr_enclave: string;
    mr_signer: string;
    isv_prod_id: number;
    isv_svn: number;
    attributes: string;
    misc_select: number;
  };
  tcb_evaluations: TcbEvaluation[];
}

export interface TcbEvaluation {
  collateral: string;
  tcb_info_fmspc: string;
  tcb_info_id: string;
  tcbEvaluationDataNumber: number;
  collateral_signatures: { tcb_info_sig_ok: boolean; qe_identity_sig_ok: boolean };
  verification_time_window: { not_before: string; not_after: string; consistent: boolean };
  crl: { pck_serial: string; pck_revoked: boolean; crl_entries: number };
  sgx_tcb_level_status: string | null;
  tdx_tcb_level_status: string | null;
  tdx_module_identity: string | null;
  tdx_module_status: string | null;
  qe_identity_checks: { mrsigner: boolean; isvprodid: boolean };
  qe_tcb_status: string | null;
  expected_status_intel_qvl_semantics: string;
  advisory_ids: string[];
}

export const DCAP_EXPECTED_FILES = [
  "tdx/dcapqvl/tdx_quote.expected.json",
  "tdx/dcapqvl/tdx_quote_outdated.expected.json",
  "tdx/dcapqvl/tdx-quote.expected.json",
  "tdx/dcapqvl/quote-from-tappd.expected.json",
  "tdx/dcapqvl/near_quote_hex.expected.json",
  "tdx/gotdx/tdx_prod_quote_SPR_E4.expected.json",
  "tdx/gotdx/quote_v5_sample.expected.json",
  "tdx/gotdx/cos-113-tdx-quote.expected.json",
  "tdx/trustee/tdx_quote_4.expected.json",
  "tdx/trustee/tdx_quote_5.expected.json",
  "tdx/trustee/tdx_quote_6.expected.json",
  "tdx/teekit/tdx-v4-azure.expected.json",
  "tdx/teekit/tdx-v4-gcp.expected.json",
  "tdx/teekit/tdx-v4-edgeless.expected.json",
  "tdx/teekit/tdx-v4-zkdcap.expected.json",
  "tdx/teekit/tdx-v4-moemahhouk.expected.json",
  "sgx/dcapqvl/sgx_quote.expected.json",
  "sgx/teekit/sgx-tlsn-quote9.expected.json",
  "sgx/teekit/sgx-tlsn-quotedev.expected.json",
  "sgx/teekit/sgx-chinenyeokafor.expected.json",
  "sgx/teekit/sgx-occlum.expected.json",
  "sgx/trustee/occlum_quote.expected.json",
  "azure/tdx/td-quote.expected.json",
];

export function readVectorText(rel: string): string {
  return readFileSync(vectorPath(...rel.split("/")), "utf8");
}

export function loadExpected(rel: string): ExpectedVector {
  return JSON.parse(readVectorText(rel)) as ExpectedVector;
}

/** Quote bytes from any of the vector encodings: binary, hex text (optional 0x), base64 text, teekit `{tdx:{quote}}` JSON. */
export function loadQuote(rel: string): Uint8Array {
  const bytes = readFileSync(vectorPath(...rel.split("/")));
  if (rel.endsWith(".hex") || rel.endsWith("_hex.txt"))
    return new Uint8Array(Buffer.from(bytes.toString("utf8").trim().replace(/^0x/, ""), "hex"));
  if (rel.endsWith(".json")) {
    const j = JSON.parse(bytes.toString("utf8")) as { tdx: { quote: string } };
    return new Uint8Array(Buffer.from(j.tdx.quote, "base64"));
  }
  if (rel.endsWith("tdx-v4-azure"))
    return new Uint8Array(Buffer.from(bytes.toString("utf8").trim(), "base64"));
  return new Uint8Array(bytes);
}

/**
 * teekit's pretty-printed tcbInfo copies are re-serialisations; Intel signed the compact form
 * (vectors/sgx/README.md). Tests restore the compact text, production never does.
 */
function compactIfPretty(body: string): string {
  const raw = rawJsonMember(body, "tcbInfo")!;
  const compact = JSON.stringify(JSON.parse(raw));
  if (raw === compact) return body;
  const parsed = JSON.parse(body) as { tcbInfo: unknown; signature: string };
  return `{"tcbInfo":${JSON.stringify(parsed.tcbInfo)},"signature":"${parsed.signature}"}`;
}

/** Resolve the collateral string of a tcb_evaluations entry. */
export function loadCollateral(description: string): DcapCollateral {
  const mixed = /^tcbInfo (\S+) \(\+ QE identity\/CRLs from (\S+);/.exec(description);
  if (mixed) {
    const base = loadCollateral(mixed[2]!);
    const pcs = collateralFromPcs({ tcbInfoBody: compactIfPretty(readVectorText(mixed[1]!)) });
    return { ...base, tcbInfo: pcs.tcbInfo!, tcbInfoSignature: pcs.tcbInfoSignature! };
  }
  if (existsSync(vectorPath(...description.split("/"))))
    return collateralFromQvlJson(readVectorText(description));
  if (description === "tdx/derived_collateral/trustee_00a06d080000.json") {
    // Not shipped (vectors README); rebuilt from Trustee's PCS-format tcbInfo/enclaveIdentity with Intel's
    // issuer chains and CRLs from the dcap-qvl collateral (same Intel TCB signing key and root).
    const base = loadCollateral("tdx/dcapqvl/tdx_quote_collateral.json");
    const pcs = collateralFromPcs({
      tcbInfoBody: readVectorText("tdx/trustee/tcbInfo.json"),
      qeIdentityBody: readVectorText("tdx/trustee/enclaveIdentity.json"),
    });
    return { ...base, ...pcs };
  }
  throw new Error(`unknown collateral ${description}`);
}

/** Mid-point of a consistent window; the latest "not before" of an inconsistent one (freshness then fails for the older pieces). */
export function pinnedTime(w: TcbEvaluation["verification_time_window"]): Date {
  const a = Date.parse(w.not_before);
  const b = Date.parse(w.not_after);
  return new Date(w.consistent ? Math.floor((a + b) / 2) : a);
}
