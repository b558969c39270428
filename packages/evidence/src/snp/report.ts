/**
 * SEV-SNP ATTESTATION_REPORT decoder (versions 2–5, 1184 bytes). Offsets from research/evidence.md §1.1, taken
 * from go-sev-guest abi/abi.go `ReportToProto` and virtee/sev snp.rs, checked on real reports. Decoding is total:
 * every field is returned, and reserved (MBZ) violations are listed rather than thrown so the verifier can name
 * them as failures; only input that has no meaning (wrong size, unknown version) throws.
 */
import { SnpFormatError } from "./errors.ts";
import { productFromCpuid, type SnpProduct } from "./product.ts";
import { decodeTcbAt, tcbLayoutFor, type TcbLayout, type TcbVersion } from "./tcb.ts";

/** 0x4A0: every report version has this size (go-sev-guest abi.go `ReportSize`; virtee `ATT_REP_FW_LEN`). */
export const SNP_REPORT_SIZE = 0x4a0;
/** Signed bytes are 0x000..0x29F inclusive (abi.go `signatureOffset = 0x2A0`). */
export const SNP_SIGNED_LENGTH = 0x2a0;
export const SNP_MIN_VERSION = 2;
export const SNP_MAX_VERSION = 5;

/** SIGNING_KEY values of KEY_INFO bits 4:2 (abi.go `ParseSignerInfo`). */
export type SnpSigningKey = "VCEK" | "VLEK" | "NONE" | "RESERVED";

export interface SnpGuestPolicy {
  abiMinor: number;
  abiMajor: number;
  smtAllowed: boolean;
  /** Bit 17: reserved, must be one (abi.go `ParseSnpPolicy`). */
  reservedBit17: boolean;
  migrateMa: boolean;
  debugAllowed: boolean;
  singleSocket: boolean;
  cxlAllowed: boolean;
  memAes256Xts: boolean;
  raplDisable: boolean;
  ciphertextHiding: boolean;
  pageSwapDisable: boolean;
}

export interface SnpPlatformInfo {
  smtEnabled: boolean;
  tsmeEnabled: boolean;
  eccEnabled: boolean;
  raplDisabled: boolean;
  ciphertextHidingEnabled: boolean;
  aliasCheckComplete: boolean;
  tioEnabled: boolean;
}

export interface SnpKeyInfo {
  authorKeyEnabled: boolean;
  maskChipKey: boolean;
  signingKey: SnpSigningKey;
  /** Raw SIGNING_KEY value (0 VCEK, 1 VLEK, 7 NONE, others reserved). */
  signingKeyValue: number;
}

export interface SnpFirmwareVersion {
  major: number;
  minor: number;
  build: number;
}

/**
 * A decoded report. `raw` is the decoder's own copy of the input (never the caller's buffer) and every byte field
 * (familyId … signatureS) is a read-only view into it, so decoding allocates one buffer rather than one per field.
 */
export interface SnpReport {
  /** The exact bytes received (signature is verified over these, never over a re-encoding). */
  raw: Uint8Array;
  version: number;
  guestSvn: number;
  policy: bigint;
  guestPolicy: SnpGuestPolicy;
  familyId: Uint8Array;
  imageId: Uint8Array;
  vmpl: number;
  signatureAlgo: number;
  currentTcb: TcbVersion;
  platformInfo: bigint;
  platform: SnpPlatformInfo;
  keyInfo: SnpKeyInfo;
  reportData: Uint8Array;
  measurement: Uint8Array;
  hostData: Uint8Array;
  idKeyDigest: Uint8Array;
  authorKeyDigest: Uint8Array;
  reportId: Uint8Array;
  reportIdMa: Uint8Array;
  reportedTcb: TcbVersion;
  /** v3+ only; undefined in v2 reports. */
  cpuid?: { family: number; model: number; stepping: number };
  chipId: Uint8Array;
  committedTcb: TcbVersion;
  currentVersion: SnpFirmwareVersion;
  committedVersion: SnpFirmwareVersion;
  launchTcb: TcbVersion;
  /** v5 only. */
  launchMitVector?: bigint;
  currentMitVector?: bigint;
  /** R and S as the report stores them: 72 bytes each, little-endian, zero-extended. */
  signatureR: Uint8Array;
  signatureS: Uint8Array;
  /** Product line from CPUID (v3+) or from the caller (v2); undefined when unknown. */
  product: SnpProduct | undefined;
  tcbLayout: TcbLayout;
  /** Reserved/must-be-zero rules the report breaks, as human-readable names; empty for a well-formed report. */
  reservedViolations: string[];
}

export interface ParseSnpReportOptions {
  /**
   * The product line, needed for v2 reports (no CPUID) to pick the TCB layout; ignored when the report's
   * CPUID names a known product. Without it a v2 report is decoded with the Milan/Genoa layout.
   */
  product?: SnpProduct;
}

/** True when bytes[from..to) are all zero (indexed loop: this runs on every verification). */
function isZeroRange(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Decode a raw SEV-SNP attestation report. Throws SnpFormatError only for a wrong size or unknown version. */
export function parseSnpReport(input: Uint8Array, options: ParseSnpReportOptions = {}): SnpReport {
  if (!(input instanceof Uint8Array)) throw new SnpFormatError("SNP report must be bytes");
  if (input.length !== SNP_REPORT_SIZE) {
    throw new SnpFormatError(`SNP report must be exactly ${SNP_REPORT_SIZE} bytes, got ${input.length}`, {
      length: input.length,
    });
  }
  const raw = new Uint8Array(input);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const u32 = (off: number): number => view.getUint32(off, true);
  const u64 = (off: number): bigint => view.getBigUint64(off, true);
  // Byte fields are views into `raw`, the decoder's own copy: no ArrayBuffer per field (see SnpReport).
  const bytes = (off: number, len: number): Uint8Array => raw.subarray(off, off + len);

  const version = u32(0x000);
  if (version < SNP_MIN_VERSION || version > SNP_MAX_VERSION) {
    throw new SnpFormatError(
      `unsupported SNP report version ${version} (supported ${SNP_MIN_VERSION}..${SNP_MAX_VERSION})`,
      { version },
    );
  }
  const violations: string[] = [];

  // Every defined POLICY and PLATFORM_INFO bit lies in the low 32 bits: read them as numbers (BigInt shifts are
  // comparatively slow and this runs on every verification); the full u64 is still returned as a bigint.
  const policy = u64(0x008);
  const policyLo = u32(0x008);
  const bit = (value: number, n: number): boolean => ((value >>> n) & 1) === 1;
  const guestPolicy: SnpGuestPolicy = {
    abiMinor: policyLo & 0xff,
    abiMajor: (policyLo >>> 8) & 0xff,
    smtAllowed: bit(policyLo, 16),
    reservedBit17: bit(policyLo, 17),
    migrateMa: bit(policyLo, 18),
    debugAllowed: bit(policyLo, 19),
    singleSocket: bit(policyLo, 20),
    cxlAllowed: bit(policyLo, 21),
    memAes256Xts: bit(policyLo, 22),
    raplDisable: bit(policyLo, 23),
    ciphertextHiding: bit(policyLo, 24),
    pageSwapDisable: bit(policyLo, 25),
  };
  // abi.go ParseSnpPolicy: bit 17 must be one, bits 63:26 must be zero.
  if (!guestPolicy.reservedBit17) violations.push("POLICY bit 17 (reserved, must be 1) is 0");
  if (policyLo >>> 26 !== 0 || u32(0x00c) !== 0) violations.push("POLICY bits 63:26 (reserved) are not zero");

  const platformInfo = u64(0x040);
  const platformLo = u32(0x040);
  const platform: SnpPlatformInfo = {
    smtEnabled: bit(platformLo, 0),
    tsmeEnabled: bit(platformLo, 1),
    eccEnabled: bit(platformLo, 2),
    raplDisabled: bit(platformLo, 3),
    ciphertextHidingEnabled: bit(platformLo, 4),
    aliasCheckComplete: bit(platformLo, 5),
    tioEnabled: bit(platformLo, 7),
  };

  const keyInfoRaw = u32(0x048);
  const signingKeyValue = (keyInfoRaw >> 2) & 0b111;
  const keyInfo: SnpKeyInfo = {
    authorKeyEnabled: (keyInfoRaw & 1) === 1,
    maskChipKey: (keyInfoRaw & 2) === 2,
    signingKey:
      signingKeyValue === 0
        ? "VCEK"
        : signingKeyValue === 1
          ? "VLEK"
          : signingKeyValue === 7
            ? "NONE"
            : "RESERVED",
    signingKeyValue,
  };
  if (keyInfoRaw >>> 5 !== 0) violations.push("KEY_INFO bits 31:5 (reserved) are not zero");
  if (u32(0x04c) !== 0) violations.push("reserved 0x04C..0x04F is not zero");

  let cpuid: SnpReport["cpuid"];
  if (version >= 3) {
    cpuid = { family: raw[0x188]!, model: raw[0x189]!, stepping: raw[0x18a]! };
    if (!isZeroRange(raw, 0x18b, 0x1a0)) violations.push("reserved 0x18B..0x19F is not zero");
  } else if (!isZeroRange(raw, 0x188, 0x1a0)) {
    violations.push("reserved 0x188..0x19F (v2) is not zero");
  }
  const product = (cpuid && productFromCpuid(cpuid.family, cpuid.model)) ?? options.product;
  const layout = tcbLayoutFor(product);

  if (raw[0x1eb] !== 0) violations.push("reserved 0x1EB is not zero");
  if (raw[0x1ef] !== 0) violations.push("reserved 0x1EF is not zero");
  let launchMitVector: bigint | undefined;
  let currentMitVector: bigint | undefined;
  if (version >= 5) {
    launchMitVector = u64(0x1f8);
    currentMitVector = u64(0x200);
    if (!isZeroRange(raw, 0x208, 0x2a0)) violations.push("reserved 0x208..0x29F is not zero");
  } else if (!isZeroRange(raw, 0x1f8, 0x2a0)) {
    violations.push("reserved 0x1F8..0x29F is not zero");
  }
  // Only 144 bytes of the 512-byte signature area are defined for ECDSA P-384 (abi.go EcdsaP384Sha384SignatureSize).
  if (!isZeroRange(raw, 0x330, 0x4a0)) violations.push("signature reserved 0x330..0x49F is not zero");

  return {
    raw,
    version,
    guestSvn: u32(0x004),
    policy,
    guestPolicy,
    familyId: bytes(0x010, 16),
    imageId: bytes(0x020, 16),
    vmpl: u32(0x030),
    signatureAlgo: u32(0x034),
    currentTcb: decodeTcbAt(raw, 0x038, layout),
    platformInfo,
    platform,
    keyInfo,
    reportData: bytes(0x050, 64),
    measurement: bytes(0x090, 48),
    hostData: bytes(0x0c0, 32),
    idKeyDigest: bytes(0x0e0, 48),
    authorKeyDigest: bytes(0x110, 48),
    reportId: bytes(0x140, 32),
    reportIdMa: bytes(0x160, 32),
    reportedTcb: decodeTcbAt(raw, 0x180, layout),
    ...(cpuid ? { cpuid } : {}),
    chipId: bytes(0x1a0, 64),
    committedTcb: decodeTcbAt(raw, 0x1e0, layout),
    currentVersion: { build: raw[0x1e8]!, minor: raw[0x1e9]!, major: raw[0x1ea]! },
    committedVersion: { build: raw[0x1ec]!, minor: raw[0x1ed]!, major: raw[0x1ee]! },
    launchTcb: decodeTcbAt(raw, 0x1f0, layout),
    ...(launchMitVector !== undefined ? { launchMitVector, currentMitVector } : {}),
    signatureR: bytes(0x2a0, 72),
    signatureS: bytes(0x2e8, 72),
    product,
    tcbLayout: layout,
    reservedViolations: violations,
  };
}

/**
 * `report` decoded for `product`: exactly what `parseSnpReport(report.raw, { product })` returns, without decoding
 * everything again. The verifier needs this for v2 reports, whose product line only the VCEK names. When CPUID names
 * no known line (the only case the verifier uses), the product decides nothing but the TCB layout, so only the four
 * TCB fields are re-decoded; otherwise the report is parsed again.
 */
export function reinterpretForProduct(report: SnpReport, product: SnpProduct): SnpReport {
  if (report.product !== undefined) return parseSnpReport(report.raw, { product });
  const layout = tcbLayoutFor(product);
  // decodeTcb depends only on the bytes and the layout: when the layout is unchanged (Milan, Genoa) the TCBs are too.
  const same = layout === report.tcbLayout;
  const raw = report.raw;
  return {
    ...report,
    currentTcb: same ? report.currentTcb : decodeTcbAt(raw, 0x038, layout),
    reportedTcb: same ? report.reportedTcb : decodeTcbAt(raw, 0x180, layout),
    committedTcb: same ? report.committedTcb : decodeTcbAt(raw, 0x1e0, layout),
    launchTcb: same ? report.launchTcb : decodeTcbAt(raw, 0x1f0, layout),
    product,
    tcbLayout: layout,
  };
}
