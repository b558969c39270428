/**
 * SEV-SNP ATTESTATION_REPORT field table (research/evidence.md §1.1, from go-sev-guest abi/abi.go `ReportToProto`
 * and virtee/sev snp.rs). One table drives both the encoder and the decoder so they cannot drift apart. All
 * integers are little-endian.
 */

// The report size (0x4A0, go-sev-guest `ReportSize`) and the signed length (0x2A0, `signatureOffset`) are the
// verifier's constants: a report the simulator writes is one the verifier accepts the size of.
export { SNP_REPORT_SIZE, SNP_SIGNED_LENGTH } from "@cocoon/evidence";
/** R and S: 72 bytes each, little-endian, zero-extended (go-sev-guest `ecdsaGetR/S`). */
export const SNP_SIGNATURE_COMPONENT = 72;

export type SnpFieldKind = "u8" | "u32" | "u64" | "bytes";

export interface SnpField {
  name: string;
  offset: number;
  size: number;
  kind: SnpFieldKind;
  /** Lowest report version carrying the field (CPUID: 3, mitigation vectors: 5). */
  since?: number;
}

const f = (name: string, offset: number, size: number, kind: SnpFieldKind, since?: number): SnpField =>
  since === undefined ? { name, offset, size, kind } : { name, offset, size, kind, since };

export const SNP_FIELDS: readonly SnpField[] = [
  f("version", 0x000, 4, "u32"),
  f("guestSvn", 0x004, 4, "u32"),
  f("policy", 0x008, 8, "u64"),
  f("familyId", 0x010, 16, "bytes"),
  f("imageId", 0x020, 16, "bytes"),
  f("vmpl", 0x030, 4, "u32"),
  f("signatureAlgo", 0x034, 4, "u32"),
  f("currentTcb", 0x038, 8, "bytes"),
  f("platformInfo", 0x040, 8, "u64"),
  f("keyInfo", 0x048, 4, "u32"),
  f("reportData", 0x050, 64, "bytes"),
  f("measurement", 0x090, 48, "bytes"),
  f("hostData", 0x0c0, 32, "bytes"),
  f("idKeyDigest", 0x0e0, 48, "bytes"),
  f("authorKeyDigest", 0x110, 48, "bytes"),
  f("reportId", 0x140, 32, "bytes"),
  f("reportIdMa", 0x160, 32, "bytes"),
  f("reportedTcb", 0x180, 8, "bytes"),
  f("cpuidFamId", 0x188, 1, "u8", 3),
  f("cpuidModId", 0x189, 1, "u8", 3),
  f("cpuidStep", 0x18a, 1, "u8", 3),
  f("chipId", 0x1a0, 64, "bytes"),
  f("committedTcb", 0x1e0, 8, "bytes"),
  f("currentBuild", 0x1e8, 1, "u8"),
  f("currentMinor", 0x1e9, 1, "u8"),
  f("currentMajor", 0x1ea, 1, "u8"),
  f("committedBuild", 0x1ec, 1, "u8"),
  f("committedMinor", 0x1ed, 1, "u8"),
  f("committedMajor", 0x1ee, 1, "u8"),
  f("launchTcb", 0x1f0, 8, "bytes"),
  f("launchMitVector", 0x1f8, 8, "u64", 5),
  f("currentMitVector", 0x200, 8, "u64", 5),
  f("signatureR", 0x2a0, SNP_SIGNATURE_COMPONENT, "bytes"),
  f("signatureS", 0x2e8, SNP_SIGNATURE_COMPONENT, "bytes"),
];

/** Guest POLICY bits (evidence.md §1.3; go-sev-guest abi.go l.69-79). */
export const SNP_POLICY = {
  smt: 1n << 16n,
  /** Reserved, must be one (go-sev-guest `ParseSnpPolicy` rejects 0). */
  reserved17: 1n << 17n,
  migrateMa: 1n << 18n,
  debug: 1n << 19n,
  singleSocket: 1n << 20n,
} as const;

/** KEY_INFO SIGNING_KEY (bits 4:2): 0 = VCEK, 1 = VLEK (go-sev-guest `ParseSignerInfo`). */
export const SNP_SIGNING_KEY_VCEK = 0;
export const SNP_SIGNING_KEY_VLEK = 1;
/** SIGNATURE_ALGO 1 = ECDSA P-384 with SHA-384 (go-sev-guest `SignEcdsaP384Sha384`). */
export const SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384 = 1;
