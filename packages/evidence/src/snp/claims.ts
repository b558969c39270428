/**
 * Claims in Trustee's vocabulary, so Trustee's Rego policies (ear_default_policy_cpu.rego reads
 * input.snp.measurement, reported_tcb_*, policy_debug_allowed, policy_migrate_ma, platform_smt_enabled, …) run
 * unchanged. The first block is exactly Trustee deps/verifier/src/snp/mod.rs@78962cd `parse_tee_evidence`
 * (numbers and booleans as numbers and booleans, byte strings as lowercase hex). The rest are Cocoon additions
 * under names Trustee does not use.
 */
import type { Claims } from "../types.ts";
import type { SnpReport } from "./report.ts";
import type { TcbVersion } from "./tcb.ts";
import { hexOf as hex } from "./bytes.ts";

/** Claim names of one TCB group, built once rather than per report. */
function tcbKeys(prefix: string): readonly [string, string, string, string, string] {
  return [`${prefix}_bootloader`, `${prefix}_tee`, `${prefix}_snp`, `${prefix}_microcode`, `${prefix}_fmc`];
}
const CURRENT_TCB = tcbKeys("current_tcb");
const COMMITTED_TCB = tcbKeys("committed_tcb");
const LAUNCH_TCB = tcbKeys("launch_tcb");

function addTcbClaims(out: Claims, keys: readonly string[], tcb: TcbVersion): void {
  out[keys[0]!] = tcb.bootloader;
  out[keys[1]!] = tcb.tee;
  out[keys[2]!] = tcb.snp;
  out[keys[3]!] = tcb.microcode;
  if (tcb.fmc !== undefined) out[keys[4]!] = tcb.fmc;
}

/** Built by assignment in a fixed order (key order is part of the JSON output) rather than by object spreads. */
export function snpClaims(report: SnpReport): Claims {
  const p = report.guestPolicy;
  const hostData = hex(report.hostData); // init_data and host_data: the same bytes, one string
  const out: Claims = {
    // Trustee parse_tee_evidence, exact keys and types.
    policy_abi_major: p.abiMajor,
    policy_abi_minor: p.abiMinor,
    policy_smt_allowed: p.smtAllowed,
    policy_migrate_ma: p.migrateMa,
    policy_debug_allowed: p.debugAllowed,
    policy_single_socket: p.singleSocket,
    reported_tcb_bootloader: report.reportedTcb.bootloader,
    reported_tcb_tee: report.reportedTcb.tee,
    reported_tcb_snp: report.reportedTcb.snp,
    reported_tcb_microcode: report.reportedTcb.microcode,
    platform_tsme_enabled: report.platform.tsmeEnabled,
    platform_smt_enabled: report.platform.smtEnabled,
    measurement: hex(report.measurement),
    report_data: hex(report.reportData),
    init_data: hostData,
    chip_id: hex(report.chipId),
  };
  // Cocoon additions.
  if (report.reportedTcb.fmc !== undefined) out.reported_tcb_fmc = report.reportedTcb.fmc;
  addTcbClaims(out, CURRENT_TCB, report.currentTcb);
  addTcbClaims(out, COMMITTED_TCB, report.committedTcb);
  addTcbClaims(out, LAUNCH_TCB, report.launchTcb);
  out.report_version = report.version;
  out.guest_svn = report.guestSvn;
  out.vmpl = report.vmpl;
  out.policy = `0x${report.policy.toString(16)}`;
  out.policy_cxl_allowed = p.cxlAllowed;
  out.policy_mem_aes_256_xts = p.memAes256Xts;
  out.policy_rapl_dis = p.raplDisable;
  out.policy_ciphertext_hiding = p.ciphertextHiding;
  out.platform_info = `0x${report.platformInfo.toString(16)}`;
  out.platform_ecc_enabled = report.platform.eccEnabled;
  out.platform_rapl_disabled = report.platform.raplDisabled;
  out.platform_ciphertext_hiding_enabled = report.platform.ciphertextHidingEnabled;
  out.platform_alias_check_complete = report.platform.aliasCheckComplete;
  out.host_data = hostData;
  out.family_id = hex(report.familyId);
  out.image_id = hex(report.imageId);
  out.id_key_digest = hex(report.idKeyDigest);
  out.author_key_digest = hex(report.authorKeyDigest);
  out.report_id = hex(report.reportId);
  out.report_id_ma = hex(report.reportIdMa);
  out.signing_key = report.keyInfo.signingKey;
  if (report.product) out.product = report.product;
  out.current_firmware = `${report.currentVersion.major}.${report.currentVersion.minor}.${report.currentVersion.build}`;
  out.committed_firmware = `${report.committedVersion.major}.${report.committedVersion.minor}.${report.committedVersion.build}`;
  if (report.cpuid) {
    out.cpuid_fam_id = report.cpuid.family;
    out.cpuid_mod_id = report.cpuid.model;
    out.cpuid_step = report.cpuid.stepping;
  }
  if (report.launchMitVector !== undefined) {
    out.launch_mit_vector = `0x${report.launchMitVector.toString(16)}`;
    out.current_mit_vector = `0x${report.currentMitVector!.toString(16)}`;
  }
  return out;
}
