/**
 * Check names and pass records shared by every DCAP verification (issue #2). A warm verification
 * logs about 35 checks; building each name with a template literal and each pass with a new object
 * made dozens of short-lived allocations per quote. Names are now built once per (prefix, suffix), and
 * a pass without detail is one frozen record per name: it can be shared by every result because it
 * cannot be changed.
 */
import { CheckLog, type CheckResult } from "../types.ts";

/** Names are built from code literals (a few dozen); the bound only guards against misuse. */
const MAX_NAMES = 1024;
const names = new Map<string, Map<string, string>>();
let nameCount = 0;

/** `${prefix}.${suffix}`, the same string object on every call. */
export function checkName(prefix: string, suffix: string): string {
  let bySuffix = names.get(prefix);
  if (bySuffix === undefined) {
    bySuffix = new Map<string, string>();
    if (nameCount < MAX_NAMES) names.set(prefix, bySuffix);
  }
  let name = bySuffix.get(suffix);
  if (name === undefined) {
    name = `${prefix}.${suffix}`;
    if (nameCount < MAX_NAMES) {
      bySuffix.set(suffix, name);
      nameCount++;
    }
  }
  return name;
}

/**
 * Every fixed check name under one prefix, as an object literal (fast properties: a lookup with a
 * constant key is a single inline-cached load, cheaper than the Maps behind `checkName`).
 */
function namesUnder(p: string) {
  return {
    "collateral.ca_revocation": `${p}.collateral.ca_revocation`,
    "collateral.format": `${p}.collateral.format`,
    "collateral.missing": `${p}.collateral.missing`,
    "collateral.pck_crl.format": `${p}.collateral.pck_crl.format`,
    "collateral.pck_crl.freshness": `${p}.collateral.pck_crl.freshness`,
    "collateral.pck_crl.signature": `${p}.collateral.pck_crl.signature`,
    "collateral.qe_identity.chain": `${p}.collateral.qe_identity.chain`,
    "collateral.qe_identity.format": `${p}.collateral.qe_identity.format`,
    "collateral.qe_identity.freshness": `${p}.collateral.qe_identity.freshness`,
    "collateral.qe_identity.id": `${p}.collateral.qe_identity.id`,
    "collateral.qe_identity.signature": `${p}.collateral.qe_identity.signature`,
    "collateral.root_crl.format": `${p}.collateral.root_crl.format`,
    "collateral.root_crl.freshness": `${p}.collateral.root_crl.freshness`,
    "collateral.root_crl.signature": `${p}.collateral.root_crl.signature`,
    "collateral.tcb_info.chain": `${p}.collateral.tcb_info.chain`,
    "collateral.tcb_info.format": `${p}.collateral.tcb_info.format`,
    "collateral.tcb_info.freshness": `${p}.collateral.tcb_info.freshness`,
    "collateral.tcb_info.id": `${p}.collateral.tcb_info.id`,
    "collateral.tcb_info.signature": `${p}.collateral.tcb_info.signature`,
    debug: `${p}.debug`,
    format: `${p}.format`,
    "header.att_key_type": `${p}.header.att_key_type`,
    "header.qe_vendor_id": `${p}.header.qe_vendor_id`,
    "header.version": `${p}.header.version`,
    isv_prod_id: `${p}.isv_prod_id`,
    isv_svn: `${p}.isv_svn`,
    mr_service_td: `${p}.mr_service_td`,
    "pck.cert_data_type": `${p}.pck.cert_data_type`,
    "pck.chain": `${p}.pck.chain`,
    "pck.chain_shape": `${p}.pck.chain_shape`,
    "pck.extensions": `${p}.pck.extensions`,
    "pck.revocation": `${p}.pck.revocation`,
    "qe_identity.match": `${p}.qe_identity.match`,
    "qe_identity.tcb_level": `${p}.qe_identity.tcb_level`,
    "qe_report.binding": `${p}.qe_report.binding`,
    "qe_report.signature": `${p}.qe_report.signature`,
    "quote.signature": `${p}.quote.signature`,
    report_data: `${p}.report_data`,
    "tcb.current_level": `${p}.tcb.current_level`,
    "tcb.fmspc": `${p}.tcb.fmspc`,
    "tcb.level": `${p}.tcb.level`,
    "tcb.pce_id": `${p}.tcb.pce_id`,
    "tcb.status": `${p}.tcb.status`,
    "td_attributes.reserved": `${p}.td_attributes.reserved`,
    "td_attributes.sept_ve_disable": `${p}.td_attributes.sept_ve_disable`,
    "tdx_module.identity": `${p}.tdx_module.identity`,
    tee_type: `${p}.tee_type`,
    trailing_bytes: `${p}.trailing_bytes`,
    trust: `${p}.trust`,
    "trust.single_root": `${p}.trust.single_root`,
  };
}

export type CheckNames = ReturnType<typeof namesUnder>;

const TDX_NAMES = namesUnder("tdx");
const SGX_NAMES = namesUnder("sgx");
const otherNames = new Map<string, CheckNames>();

/** The fixed check names under `p` ("tdx", "sgx", or "dcap" before the quote's type is known). */
export function namesOf(p: string): CheckNames {
  if (p === "tdx") return TDX_NAMES;
  if (p === "sgx") return SGX_NAMES;
  let names = otherNames.get(p);
  if (names === undefined) {
    names = namesUnder(p);
    if (otherNames.size < 16) otherNames.set(p, names);
  }
  return names;
}

const passRecords = new Map<string, CheckResult>();

/** A CheckLog whose detail-less passes are shared frozen records (the entries callers see are equal). */
export class DcapCheckLog extends CheckLog {
  override pass(check: string, detail?: string): void {
    if (detail !== undefined) {
      super.pass(check, detail);
      return;
    }
    let record = passRecords.get(check);
    if (record === undefined) {
      record = Object.freeze({ check, ok: true });
      if (passRecords.size < MAX_NAMES) passRecords.set(check, record);
    }
    this.checks.push(record);
  }
}
