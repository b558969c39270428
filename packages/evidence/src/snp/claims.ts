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

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function tcbClaims(prefix: string, tcb: TcbVersion): Claims {
  const out: Claims = {
    [`${prefix}_bootloader`]: tcb.bootloader,
    [`${prefix}_tee`]: tcb.tee,
    [`${prefix}_snp`]: tcb.snp,
    [`${prefix}_microcode`]: tcb.microcode,
  };
  if (tcb.fmc !== undefined) out[`${prefix}_fmc`] = tcb.fmc;
  return out;
}

export function snpClaims(report: SnpReport): Claims {
  const p = report.guestPolicy;
  return {
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
    init_data: hex(report.hostData),
    chip_id: hex(report.chipId),
    // Cocoon additions.
    ...(report.reportedTcb.fmc !== undefined ? { reported_tcb_fmc: report.reportedTcb.fmc } : {}),
    ...tcbClaims("current_tcb", report.currentTcb),
    ...tcbClaims("committed_tcb", report.committedTcb),
    ...tcbClaims("launch_tcb", report.launchTcb),
    report_version: report.version,
    guest_svn: report.guestSvn,
    vmpl: report.vmpl,
    policy: `0x${report.policy.toString(16)}`,
    policy_cxl_allowed: p.cxlAllowed,
    policy_mem_aes_256_xts: p.memAes256Xts,
    policy_rapl_dis: p.raplDisable,
    policy_ciphertext_hiding: p.ciphertextHiding,
    platform_info: `0x${report.platformInfo.toString(16)}`,
    platform_ecc_enabled: report.platform.eccEnabled,
    platform_rapl_disabled: report.platform.raplDisabled,
    platform_ciphertext_hiding_enabled: report.platform.ciphertextHidingEnabled,
    platform_alias_check_complete: report.platform.aliasCheckComplete,
    host_data: hex(report.hostData),
    family_id: hex(report.familyId),
    image_id: hex(report.imageId),
    id_key_digest: hex(report.idKeyDigest),
    author_key_digest: hex(report.authorKeyDigest),
    report_id: hex(report.reportId),
    report_id_ma: hex(report.reportIdMa),
    signing_key: report.keyInfo.signingKey,
    ...(report.product ? { product: report.product } : {}),
    current_firmware: `${report.currentVersion.major}.${report.currentVersion.minor}.${report.currentVersion.build}`,
    committed_firmware: `${report.committedVersion.major}.${report.committedVersion.minor}.${report.committedVersion.build}`,
    ...(report.cpuid
      ? {
          cpuid_fam_id: report.cpuid.family,
          cpuid_mod_id: report.cpuid.model,
          cpuid_step: report.cpuid.stepping,
        }
      : {}),
    ...(report.launchMitVector !== undefined
      ? {
          launch_mit_vector: `0x${report.launchMitVector.toString(16)}`,
          current_mit_vector: `0x${report.currentMitVector!.toString(16)}`,
        }
      : {}),
  };
}
