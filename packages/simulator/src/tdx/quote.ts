/**
 * Simulated TDX quotes, DCAP version 4 or 5 (research/evidence.md §4.1–4.3), built the way the TD Quoting Enclave does:
 *   1. the QE report (an SGX enclave report of the QE) binds the attestation key:
 *      REPORT_DATA = SHA-256(attestation_key ‖ qe_auth_data) ‖ 32 zero bytes;
 *   2. the QE report is signed by the platform's PCK key (ECDSA P-256 / SHA-256, raw r‖s);
 *   3. the quote (header ‖ [v5 body descriptor] ‖ TD report body: 632 bytes v4, 702 bytes v5) is signed by the
 *      attestation key;
 *   4. certification data type 6 carries the QE report, its signature, qe_auth_data and, nested as type 5,
 *      the PEM chain PCK leaf → PCK Platform CA → root.
 */
import type { TcbStatus } from "@cocoon/evidence";
import { SimulatorInputError } from "../errors.ts";
import { rawPublicPoint, sha256, sha384, signP1363 } from "../keys.ts";
import { fixedBytes, paddedBytes, u64Option } from "../option-checks.ts";
import { IntelHierarchy } from "../intel/hierarchy.ts";
import { concatBytes } from "../der.ts";
import {
  ATT_KEY_TYPE_ECDSA_P256,
  CERT_DATA_PCK_CHAIN,
  CERT_DATA_QE_REPORT,
  ENCLAVE_REPORT_FIELDS,
  ENCLAVE_REPORT_LEN,
  HEADER_LEN,
  INTEL_QE_VENDOR_ID,
  le,
  QUOTE_VERSION_4,
  TD_ATTRIBUTE,
  TD_REPORT10_FIELDS,
  TD_REPORT10_LEN,
  TD_REPORT15_FIELDS,
  TD_REPORT15_LEN,
  TEE_TYPE_TDX,
  BODY_DESCRIPTOR_LEN,
  BODY_TD_REPORT15,
  QUOTE_VERSION_5,
  writeFields,
} from "./layout.ts";
import {
  createTdxCollateral,
  type CollateralOptions,
  type PlatformTcbFacts,
  type QeIdentityFacts,
  type SimulatedDcapCollateral,
} from "./collateral.ts";

export interface TdxQuoteOptions extends CollateralOptions {
  /** Quote version: 4 (TD report 1.0, default) or 5 (body descriptor + TD report 1.5, as TDX module 1.5). */
  version?: 4 | 5;
  /** v5 only: TEE_TCB_SVN2, the module SVN now (default: TEE_TCB_SVN, i.e. no update since launch). */
  teeTcbSvn2?: Uint8Array;
  /** v5 only: MR_SERVICETD, 48 bytes (default zero: no service TD bound). */
  mrServiceTd?: Uint8Array;
  /** REPORT_DATA: up to 64 bytes, zero-padded (configfs-tsm inblob). */
  reportData?: Uint8Array;
  /** MRTD: 48 bytes (the TD's build-time measurement). Default all zero. */
  mrTd?: Uint8Array;
  /** MRCONFIGID: 48 bytes, host-provided config (where CoCo puts the init-data digest). Default all zero. */
  mrConfigId?: Uint8Array;
  mrOwner?: Uint8Array;
  mrOwnerConfig?: Uint8Array;
  /** RTMR0..3, 48 bytes each. Default all zero. */
  rtmrs?: Uint8Array[];
  /** Set TD_ATTRIBUTES.DEBUG: a debug TD, which verifiers must reject by default. */
  debug?: boolean;
  /** Full TD_ATTRIBUTES; default SEPT_VE_DISABLE only (bit 28), what dcap-qvl requires. */
  tdAttributes?: bigint;
  /** XFAM; default 0x0006_02e7 (x87, SSE, AVX, AVX-512, PK, AMX-less), as on real Sapphire Rapids TDs. */
  xfam?: bigint;
  /** TEE_TCB_SVN, 16 bytes; default 06 01 03 00…: TDX module 1.x SVN 6, as on a current platform. */
  teeTcbSvn?: Uint8Array;
  /** MRSEAM, 48 bytes; default SHA-384 of a simulator label (no real TDX module is simulated). */
  mrSeam?: Uint8Array;
  /** Platform CPUSVN, 16 bytes (goes into the PCK certificate and the TCB info). */
  cpuSvn?: Uint8Array;
  /** Platform PCESVN (0..65535). Default 11. */
  pceSvn?: number;
  /** FMSPC, 6 bytes. Default 50806F000000 (a Sapphire Rapids family). */
  fmspc?: Uint8Array;
  /** The simulated QE's ISVSVN (default 4). */
  qeSvn?: number;
}

export interface SimulatedTdxQuote {
  quote: Uint8Array;
  /** DER of PCK leaf, PCK Platform CA, root — the chain embedded in the quote. */
  pckChain: Uint8Array[];
  /** The same chain as the PEM text embedded in the quote. */
  pckChainPem: string;
  root: Uint8Array;
  collateral: SimulatedDcapCollateral;
}

const DEFAULT_TEE_TCB_SVN = Uint8Array.of(6, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
const DEFAULT_CPU_SVN = Uint8Array.of(3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0);
const DEFAULT_FMSPC = Uint8Array.of(0x50, 0x80, 0x6f, 0x00, 0x00, 0x00);
const QE_PROD_ID_TD_QE = 2; // ISVPRODID of Intel's TD-QE (vectors/tdx/dcapqvl/tdx_quote_collateral.json)
/** QE ATTRIBUTES as a production QE reports them (INIT | MODE64BIT | PROVISIONKEY, no DEBUG; XFRM 0xe7). */
const QE_ATTRIBUTES = Uint8Array.of(0x15, 0, 0, 0, 0, 0, 0, 0, 0xe7, 0, 0, 0, 0, 0, 0, 0);
/** The simulated QE's measurement and signer: digests of labels, never Intel's real values. */
export const SIMULATED_QE_MRSIGNER = sha256(Buffer.from("SIMULATED Intel TD Quoting Enclave signer"));
export const SIMULATED_QE_MRENCLAVE = sha256(Buffer.from("SIMULATED Intel TD Quoting Enclave"));
const QE_AUTH_DATA = Uint8Array.from({ length: 32 }, (_, i) => i);

/**
 * TCB statuses a simulated TCB info level can carry (Intel PCS vocabulary, evidence.md §4.7): every status of
 * @cocoon/evidence's TcbStatus but "Unknown", which is the verifier's own. Keyed by the type, so a status added
 * to or removed from the verifier's vocabulary fails to type-check here until this list follows.
 */
const TCB_STATUS_KEYS: Record<Exclude<TcbStatus, "Unknown">, true> = {
  UpToDate: true,
  SWHardeningNeeded: true,
  ConfigurationNeeded: true,
  ConfigurationAndSWHardeningNeeded: true,
  OutOfDate: true,
  OutOfDateConfigurationNeeded: true,
  Revoked: true,
  TDRelaunchAdvised: true,
  TDRelaunchAdvisedConfigurationNeeded: true,
};
const TCB_STATUSES: readonly string[] = Object.keys(TCB_STATUS_KEYS);

/** A quote laid out and checked, waiting only for the platform's QE ID, keys and certificates. */
export interface TdxQuotePlan {
  /** Header (+ v5 body descriptor) without the QE ID, which belongs to the platform. */
  header: Uint8Array;
  body: Uint8Array;
  platform: PlatformTcbFacts;
  qeSvn: number;
  collateral: CollateralOptions;
}

/** Check every option and lay the quote out, touching no key (so a bad option never mints keys). */
export function planTdxQuote(options: TdxQuoteOptions): TdxQuotePlan {
  if (options.tcbStatus !== undefined && !TCB_STATUSES.includes(options.tcbStatus)) {
    throw new SimulatorInputError(`tcbStatus must be one of ${TCB_STATUSES.join(", ")}`);
  }
  if (options.advisoryIds !== undefined && !options.advisoryIds.every((id) => typeof id === "string")) {
    throw new SimulatorInputError("advisoryIds must be strings");
  }
  if (options.validityDays !== undefined && !(options.validityDays > 0)) {
    throw new SimulatorInputError("validityDays must be positive");
  }
  const pceSvn = options.pceSvn ?? 11;
  if (!Number.isInteger(pceSvn) || pceSvn < 0 || pceSvn > 0xffff)
    throw new SimulatorInputError("pceSvn must be 0..65535");
  const qeSvn = options.qeSvn ?? 4;
  if (!Number.isInteger(qeSvn) || qeSvn < 0 || qeSvn > 0xffff)
    throw new SimulatorInputError("qeSvn must be 0..65535");
  const rtmrs = options.rtmrs ?? [];
  if (rtmrs.length > 4) throw new SimulatorInputError("at most 4 RTMRs");
  const version = options.version ?? 4;
  if (version !== 4 && version !== 5)
    throw new SimulatorInputError(`TDX quote version must be 4 or 5, got ${String(version)}`);
  if (version === 4 && (options.teeTcbSvn2 !== undefined || options.mrServiceTd !== undefined)) {
    throw new SimulatorInputError("teeTcbSvn2 and mrServiceTd exist only in v5 quotes (TD report 1.5)");
  }
  const teeTcbSvn = fixedBytes("teeTcbSvn", options.teeTcbSvn, 16, DEFAULT_TEE_TCB_SVN);
  const platform: PlatformTcbFacts = {
    fmspc: fixedBytes("fmspc", options.fmspc, 6, DEFAULT_FMSPC),
    cpuSvn: fixedBytes("cpuSvn", options.cpuSvn, 16, DEFAULT_CPU_SVN),
    pceSvn,
    teeTcbSvn,
    ...(version === 5 ? { teeTcbSvn2: fixedBytes("teeTcbSvn2", options.teeTcbSvn2, 16, teeTcbSvn) } : {}),
  };
  let tdAttributes = options.tdAttributes ?? TD_ATTRIBUTE.septVeDisable;
  if (options.debug) tdAttributes |= TD_ATTRIBUTE.debug;

  // Header (48 bytes; v5 adds the 6-byte body descriptor). Bytes 8..11 are reserved for TDX; user_data starts
  // with the QE ID.
  const header = new Uint8Array(HEADER_LEN + (version === 5 ? BODY_DESCRIPTOR_LEN : 0));
  const hv = new DataView(header.buffer);
  hv.setUint16(0, version === 5 ? QUOTE_VERSION_5 : QUOTE_VERSION_4, true);
  hv.setUint16(2, ATT_KEY_TYPE_ECDSA_P256, true);
  hv.setUint32(4, TEE_TYPE_TDX, true);
  header.set(Buffer.from(INTEL_QE_VENDOR_ID, "hex"), 12);
  if (version === 5) {
    hv.setUint16(HEADER_LEN, BODY_TD_REPORT15, true);
    hv.setUint32(HEADER_LEN + 2, TD_REPORT15_LEN, true);
  }

  const body = new Uint8Array(version === 5 ? TD_REPORT15_LEN : TD_REPORT10_LEN);
  const rtmr = (i: number): Uint8Array => fixedBytes(`rtmr${i}`, rtmrs[i], 48);
  writeFields(body, 0, version === 5 ? TD_REPORT15_FIELDS : TD_REPORT10_FIELDS, {
    ...(version === 5
      ? { teeTcbSvn2: platform.teeTcbSvn2!, mrServiceTd: fixedBytes("mrServiceTd", options.mrServiceTd, 48) }
      : {}),
    teeTcbSvn: platform.teeTcbSvn,
    mrSeam: fixedBytes("mrSeam", options.mrSeam, 48, sha384(Buffer.from("SIMULATED TDX module"))),
    mrSignerSeam: new Uint8Array(48), // Intel-signed module: zero (tcbInfo tdxModule.mrsigner)
    seamAttributes: new Uint8Array(8),
    tdAttributes: le(u64Option("tdAttributes", tdAttributes), 8),
    xfam: le(u64Option("xfam", options.xfam ?? 0x000602e7n), 8),
    mrTd: fixedBytes("mrTd", options.mrTd, 48),
    mrConfigId: fixedBytes("mrConfigId", options.mrConfigId, 48),
    mrOwner: fixedBytes("mrOwner", options.mrOwner, 48),
    mrOwnerConfig: fixedBytes("mrOwnerConfig", options.mrOwnerConfig, 48),
    rtmr0: rtmr(0),
    rtmr1: rtmr(1),
    rtmr2: rtmr(2),
    rtmr3: rtmr(3),
    reportData: paddedBytes("reportData", options.reportData, 64),
  });
  const collateral: CollateralOptions = {
    ...(options.tcbStatus !== undefined ? { tcbStatus: options.tcbStatus } : {}),
    ...(options.advisoryIds !== undefined ? { advisoryIds: options.advisoryIds } : {}),
    ...(options.validityDays !== undefined ? { validityDays: options.validityDays } : {}),
  };
  return { header, body, platform, qeSvn, collateral };
}

/** Sign a planned quote as the platform's QE would, and produce the matching collateral. */
export async function issueTdxQuote(
  intel: IntelHierarchy,
  plan: TdxQuotePlan,
  now: Date,
): Promise<SimulatedTdxQuote> {
  const { body, platform, qeSvn } = plan;
  const header = Uint8Array.from(plan.header);
  header.set(intel.qeId, 28); // user_data: QE ID ‖ 4 zero bytes

  // QE report binding the attestation key, signed by the PCK key.
  const attestationKey = await rawPublicPoint(intel.attestationKey.publicKey);
  const qe: QeIdentityFacts = {
    mrSigner: SIMULATED_QE_MRSIGNER,
    isvProdId: QE_PROD_ID_TD_QE,
    isvSvn: qeSvn,
    attributes: QE_ATTRIBUTES,
    miscSelect: 0,
  };
  const qeReport = new Uint8Array(ENCLAVE_REPORT_LEN);
  writeFields(qeReport, 0, ENCLAVE_REPORT_FIELDS, {
    cpuSvn: platform.cpuSvn,
    miscSelect: le(qe.miscSelect, 4),
    attributes: qe.attributes,
    mrEnclave: SIMULATED_QE_MRENCLAVE,
    mrSigner: qe.mrSigner,
    isvProdId: le(qe.isvProdId, 2),
    isvSvn: le(qe.isvSvn, 2),
    reportData: concatBytes(sha256(attestationKey, QE_AUTH_DATA), new Uint8Array(32)),
  });
  const pck = await intel.pck(
    { fmspc: platform.fmspc, cpuSvn: platform.cpuSvn, pceSvn: platform.pceSvn },
    now,
  );
  const qeReportSignature = signP1363(pck.privateKey, "sha256", qeReport);
  const pckChain = [pck.der, intel.pckCaDer, intel.rootDer];
  const pckChainPem = IntelHierarchy.pem(...pckChain);
  const pem = new Uint8Array(Buffer.from(pckChainPem, "ascii"));

  const inner = concatBytes(le(CERT_DATA_PCK_CHAIN, 2), le(pem.length, 4), pem);
  const qeCertData = concatBytes(
    qeReport,
    qeReportSignature,
    le(QE_AUTH_DATA.length, 2),
    QE_AUTH_DATA,
    inner,
  );
  const signed = concatBytes(header, body);
  const signature = signP1363(intel.attestationKey.privateKey, "sha256", signed);
  const signatureData = concatBytes(
    signature,
    attestationKey,
    le(CERT_DATA_QE_REPORT, 2),
    le(qeCertData.length, 4),
    qeCertData,
  );
  const quote = concatBytes(signed, le(signatureData.length, 4), signatureData);
  const collateral = await createTdxCollateral(intel, platform, qe, plan.collateral, now);
  return { quote, pckChain, pckChainPem, root: intel.rootDer, collateral };
}

export async function createTdxQuote(
  intel: IntelHierarchy,
  options: TdxQuoteOptions,
  now: Date,
): Promise<SimulatedTdxQuote> {
  return issueTdxQuote(intel, planTdxQuote(options), now);
}
