/**
 * Simulated SEV-SNP ATTESTATION_REPORTs (versions 2–5) signed by the simulated chip's VCEK exactly as firmware
 * signs: ECDSA P-384 / SHA-384 over bytes 0x000..0x29F, R and S stored little-endian in 72-byte fields
 * (research/evidence.md §1.5).
 */
import { randomBytes } from "node:crypto";
import { SimulatorInputError } from "../errors.ts";
import { signP1363 } from "../keys.ts";
import { fixedBytes, paddedBytes, u64Option } from "../option-checks.ts";
import type { AmdHierarchy, AmdSigner } from "../amd/hierarchy.ts";
import {
  checkTcb,
  DEFAULT_TCB,
  encodeSnpTcb,
  PRODUCT_CPUID,
  SNP_PRODUCTS,
  type SnpProduct,
  type SnpTcb,
} from "../amd/products.ts";
import { encodeSnpFields } from "./codec.ts";
import {
  SNP_POLICY,
  SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384,
  SNP_SIGNED_LENGTH,
  SNP_SIGNATURE_COMPONENT,
  SNP_SIGNING_KEY_VCEK,
  SNP_SIGNING_KEY_VLEK,
} from "./layout.ts";
import { CERT_TABLE_GUID, encodeCertTable } from "./cert-table.ts";

export type SnpReportVersion = 2 | 3 | 4 | 5;

export interface SnpReportOptions {
  /** Report version, default 5 (current firmware). 2 has no CPUID, 5 adds mitigation vectors. */
  version?: SnpReportVersion;
  /** REPORT_DATA: up to 64 bytes, zero-padded (the kernel copies configfs-tsm inblob the same way). */
  reportData?: Uint8Array;
  /** MEASUREMENT: 48 bytes (SHA-384 launch digest). Default all zero. */
  measurement?: Uint8Array;
  /** HOST_DATA: 32 bytes (Trustee's init_data). Default all zero. */
  hostData?: Uint8Array;
  familyId?: Uint8Array;
  imageId?: Uint8Array;
  idKeyDigest?: Uint8Array;
  authorKeyDigest?: Uint8Array;
  guestSvn?: number;
  /** Requesting VMPL 0–3 (configfs-tsm privlevel). Default 0. */
  vmpl?: number;
  /** Full guest POLICY; default 0x30000 (SMT allowed + reserved bit 17), as most real guests. */
  policy?: bigint;
  /** Set POLICY.DEBUG (bit 19): the host may decrypt the guest; verifiers must reject it by default. */
  debug?: boolean;
  /** PLATFORM_INFO; default 0x25 (SMT_EN, ECC_EN, ALIAS_CHECK_COMPLETE), seen on real Milan/Genoa hosts. */
  platformInfo?: bigint;
  /** The TCB the VCEK is derived at (REPORTED_TCB); also CURRENT/COMMITTED/LAUNCH unless given separately. */
  tcb?: SnpTcb;
  currentTcb?: SnpTcb;
  committedTcb?: SnpTcb;
  launchTcb?: SnpTcb;
  firmware?: { major: number; minor: number; build: number };
  /** REPORT_ID; default random per report. */
  reportId?: Uint8Array;
  /** Mask CHIP_ID (writes zeros), as MASK_CHIP_ID policy does. A VCEK then cannot be matched. */
  maskChipId?: boolean;
  /** Signing key: the chip's VCEK (default) or the simulated cloud provider's VLEK (as on AWS). */
  signer?: AmdSigner;
}

export interface SimulatedSnpReport {
  /** The 1184-byte signed report. */
  report: Uint8Array;
  signer: AmdSigner;
  /** The VCEK or VLEK certificate (DER). */
  leaf: Uint8Array;
  /** The ASK (VCEK) or ASVK (VLEK) certificate (DER). */
  intermediate: Uint8Array;
  ark: Uint8Array;
  /** The extended-report certificate table (leaf, intermediate, ARK), as configfs-tsm auxblob returns it. */
  certTable: Uint8Array;
}

function u32(name: string, value: number | undefined, max = 0xffffffff): number {
  const v = value ?? 0;
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new SimulatorInputError(`${name} must be an integer 0..${max}`);
  return v;
}

/** R or S from big-endian 48 bytes to the report's little-endian, zero-extended 72-byte field. */
function toReportComponent(bigEndian: Uint8Array): Uint8Array {
  const out = new Uint8Array(SNP_SIGNATURE_COMPONENT);
  out.set(Uint8Array.from(bigEndian).reverse());
  return out;
}

/** A report laid out and checked, waiting only for the chip's CHIP_ID and the signature. */
export interface SnpReportPlan {
  product: SnpProduct;
  signer: AmdSigner;
  reported: SnpTcb;
  maskChipId: boolean;
  values: Record<string, number | bigint | Uint8Array>;
}

/**
 * Check every option and lay the report out, touching no key: callers validate before a state directory is
 * opened, so a bad option never mints keys. Throws SimulatorInputError naming the bad option.
 */
export function planSnpReport(product: SnpProduct, options: SnpReportOptions): SnpReportPlan {
  if (!SNP_PRODUCTS.includes(product))
    throw new SimulatorInputError(`unknown SEV-SNP product ${String(product)}`);
  const version = options.version ?? 5;
  if (![2, 3, 4, 5].includes(version))
    throw new SimulatorInputError(`SNP report version must be 2..5, got ${version}`);
  const signer = options.signer ?? "VCEK";
  if (signer !== "VCEK" && signer !== "VLEK") {
    throw new SimulatorInputError(`signer must be VCEK or VLEK, got ${String(signer)}`);
  }
  const reported = checkTcb(product, options.tcb ?? DEFAULT_TCB[product]);
  const tcbBytes = (t: SnpTcb | undefined): Uint8Array =>
    encodeSnpTcb(product, t ? checkTcb(product, t) : reported);
  let policy = u64Option("policy", options.policy ?? SNP_POLICY.smt | SNP_POLICY.reserved17);
  if (options.debug) policy |= SNP_POLICY.debug;
  const firmware = options.firmware ?? { major: 1, minor: 55, build: 21 };
  const cpuid = PRODUCT_CPUID[product];
  const values: Record<string, number | bigint | Uint8Array> = {
    version,
    guestSvn: u32("guestSvn", options.guestSvn),
    policy,
    familyId: fixedBytes("familyId", options.familyId, 16),
    imageId: fixedBytes("imageId", options.imageId, 16),
    vmpl: u32("vmpl", options.vmpl, 3),
    signatureAlgo: SNP_SIGNATURE_ALGO_ECDSA_P384_SHA384,
    currentTcb: tcbBytes(options.currentTcb),
    platformInfo: u64Option("platformInfo", options.platformInfo ?? 0x25n),
    keyInfo: (signer === "VLEK" ? SNP_SIGNING_KEY_VLEK : SNP_SIGNING_KEY_VCEK) << 2,
    reportData: paddedBytes("reportData", options.reportData, 64),
    measurement: fixedBytes("measurement", options.measurement, 48),
    hostData: fixedBytes("hostData", options.hostData, 32),
    idKeyDigest: fixedBytes("idKeyDigest", options.idKeyDigest, 48),
    authorKeyDigest: fixedBytes("authorKeyDigest", options.authorKeyDigest, 48),
    reportId: options.reportId
      ? fixedBytes("reportId", options.reportId, 32)
      : new Uint8Array(randomBytes(32)),
    reportIdMa: new Uint8Array(32).fill(0xff), // no migration agent (evidence.md §1.1)
    reportedTcb: encodeSnpTcb(product, reported),
    committedTcb: tcbBytes(options.committedTcb),
    currentBuild: u32("firmware.build", firmware.build, 255),
    currentMinor: u32("firmware.minor", firmware.minor, 255),
    currentMajor: u32("firmware.major", firmware.major, 255),
    committedBuild: firmware.build,
    committedMinor: firmware.minor,
    committedMajor: firmware.major,
    launchTcb: tcbBytes(options.launchTcb),
  };
  if (version >= 3) {
    values["cpuidFamId"] = cpuid.family;
    values["cpuidModId"] = cpuid.model;
    values["cpuidStep"] = cpuid.stepping;
  }
  if (version >= 5) {
    values["launchMitVector"] = 0n;
    values["currentMitVector"] = 0n;
  }
  return { product, signer, reported, maskChipId: options.maskChipId === true, values };
}

/** Put the chip's CHIP_ID in a planned report and sign it with the VCEK (or VLEK) of its TCB. */
export async function issueSnpReport(
  amd: AmdHierarchy,
  plan: SnpReportPlan,
  now: Date,
): Promise<SimulatedSnpReport> {
  if (amd.product !== plan.product) {
    throw new SimulatorInputError(
      `report planned for ${plan.product} cannot be signed by a ${amd.product} chip`,
    );
  }
  const { signer, reported } = plan;
  const report = encodeSnpFields({
    ...plan.values,
    chipId: plan.maskChipId ? new Uint8Array(64) : amd.chipId,
  });
  const key = signer === "VLEK" ? await amd.vlek(reported, now) : await amd.vcek(reported, now);
  const signature = signP1363(key.privateKey, "sha384", report.subarray(0, SNP_SIGNED_LENGTH));
  report.set(toReportComponent(signature.subarray(0, 48)), 0x2a0);
  report.set(toReportComponent(signature.subarray(48, 96)), 0x2a0 + SNP_SIGNATURE_COMPONENT);
  // The ASVK goes under the ASK GUID (go-sev-guest abi.go: "AskGUID … Used for the ASVK as well").
  const certTable = encodeCertTable([
    { guid: signer === "VLEK" ? CERT_TABLE_GUID.vlek : CERT_TABLE_GUID.vcek, data: key.der },
    { guid: CERT_TABLE_GUID.ask, data: key.intermediate },
    { guid: CERT_TABLE_GUID.ark, data: amd.arkDer },
  ]);
  return { report, signer, leaf: key.der, intermediate: key.intermediate, ark: amd.arkDer, certTable };
}

export async function createSnpReport(
  amd: AmdHierarchy,
  options: SnpReportOptions,
  now: Date,
): Promise<SimulatedSnpReport> {
  return issueSnpReport(amd, planSnpReport(amd.product, options), now);
}
