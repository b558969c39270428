/**
 * Simulated Intel collateral for a TDX platform: TCB info v3 (id "TDX"), TD_QE identity v2, root CA CRL and PCK
 * CRL, each signed by the simulated TCB-signing key (JSON) or the issuing CA (CRLs). Field names, order and value
 * formats follow Intel PCS v4 responses as captured in vectors/tdx/dcapqvl/tdx_quote_collateral.json
 * (research/evidence.md §4.6): compact JSON, upper-case hex, dates "YYYY-MM-DDThh:mm:ssZ", and the signature is
 * ECDSA P-256 / SHA-256 over the EXACT bytes of the JSON object, hex r‖s.
 */
import type { TcbStatus } from "@cocoon/evidence";
import { signP1363 } from "../keys.ts";
import { IntelHierarchy } from "../intel/hierarchy.ts";

/** Same fields as @cocoon/evidence's DcapCollateral, so it can be passed to verifyTdx as is. */
export interface SimulatedDcapCollateral {
  tcbInfo: string;
  tcbInfoSignature: string;
  tcbInfoIssuerChain: string;
  qeIdentity: string;
  qeIdentitySignature: string;
  qeIdentityIssuerChain: string;
  rootCaCrl: Uint8Array;
  pckCrl: Uint8Array;
  pckCrlIssuerChain: string;
}

/** The simulated TD Quoting Enclave's identity, as its QE report states it and the QE identity collateral accepts. */
export interface QeIdentityFacts {
  mrSigner: Uint8Array; // 32
  isvProdId: number;
  isvSvn: number;
  /** ATTRIBUTES of the QE report (16 bytes); the identity accepts them under ATTRIBUTES_MASK. */
  attributes: Uint8Array;
  miscSelect: number;
}

export interface PlatformTcbFacts {
  fmspc: Uint8Array; // 6
  cpuSvn: Uint8Array; // 16
  pceSvn: number;
  teeTcbSvn: Uint8Array; // 16
  /** TD 1.5 quotes: TEE_TCB_SVN2, the module's current SVN after TD-preserving updates. */
  teeTcbSvn2?: Uint8Array;
}

export interface CollateralOptions {
  /** Status of the platform's TCB level (default UpToDate). */
  tcbStatus?: Exclude<TcbStatus, "Unknown">;
  advisoryIds?: string[];
  /** Days from `now` until nextUpdate (default 30, as Intel PCS). */
  validityDays?: number;
}

/** ATTRIBUTES_MASK Intel publishes for the TD_QE: everything but DEBUG (bit 1) in the first 8 bytes. */
const QE_ATTRIBUTES_MASK = "FBFFFFFFFFFFFFFF0000000000000000";
const TCB_EVALUATION_DATA_NUMBER = 17;

/** Component labels Intel attaches to TDX-platform TCB levels (genuine tcbInfo of vectors/tdx/dcapqvl). */
const SGX_COMPONENT_LABELS: Array<{ category?: string; type?: string }> = [
  { category: "BIOS", type: "Early Microcode Update" },
  { category: "OS/VMM", type: "SGX Late Microcode Update" },
  { category: "OS/VMM", type: "TXT SINIT" },
  { category: "BIOS" },
  { category: "BIOS" },
  { category: "BIOS" },
  {},
  { category: "OS/VMM", type: "SEAMLDR ACM" },
];
const TDX_COMPONENT_LABELS: Array<{ category?: string; type?: string }> = [
  { category: "OS/VMM", type: "TDX Module" },
  { category: "OS/VMM", type: "TDX Module" },
  { category: "OS/VMM", type: "TDX Late Microcode Update" },
];

function components(svns: Uint8Array, labels: Array<{ category?: string; type?: string }>): object[] {
  return Array.from(svns, (svn, i) => ({ svn, ...labels[i] }));
}

const HEX = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();

/** Intel's timestamp style: whole seconds, "Z". */
export function intelDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function maskHex(value: Uint8Array, mask: string): string {
  const m = Buffer.from(mask, "hex");
  return HEX(Uint8Array.from(value, (v, i) => v & m[i]!));
}

export function tcbInfoJson(platform: PlatformTcbFacts, options: CollateralOptions, now: Date): string {
  const issueDate = intelDate(now);
  const nextUpdate = intelDate(new Date(now.getTime() + (options.validityDays ?? 30) * 86_400_000));
  const status = options.tcbStatus ?? "UpToDate";
  // One level every reported TEE TCB meets: component-wise minimum of TEE_TCB_SVN and (TD 1.5) TEE_TCB_SVN2.
  const svns = platform.teeTcbSvn2 ? [platform.teeTcbSvn, platform.teeTcbSvn2] : [platform.teeTcbSvn];
  const floor = Uint8Array.from(platform.teeTcbSvn, (_, i) => Math.min(...svns.map((svn) => svn[i]!)));
  const level: Record<string, unknown> = {
    tcb: {
      sgxtcbcomponents: components(platform.cpuSvn, SGX_COMPONENT_LABELS),
      pcesvn: platform.pceSvn,
      tdxtcbcomponents: components(floor, TDX_COMPONENT_LABELS),
    },
    tcbDate: issueDate,
    tcbStatus: status,
  };
  if (options.advisoryIds && options.advisoryIds.length > 0) level["advisoryIDs"] = options.advisoryIds;
  const zeros48 = "00".repeat(48);
  // Module identity "TDX_%02X" of TEE_TCB_SVN[1] (Intel QVL TdxModuleCheck.cpp), ISVSVN = TEE_TCB_SVN[0]; one per
  // module major reported, at the lowest minor SVN seen for it.
  const modules = new Map<number, number>();
  for (const svn of svns) modules.set(svn[1]!, Math.min(modules.get(svn[1]!) ?? 255, svn[0]!));
  const tdxModuleIdentities = [...modules].map(([major, isvsvn]) => ({
    id: `TDX_${major.toString(16).toUpperCase().padStart(2, "0")}`,
    mrsigner: zeros48,
    attributes: "0000000000000000",
    attributesMask: "FFFFFFFFFFFFFFFF",
    tcbLevels: [{ tcb: { isvsvn }, tcbDate: issueDate, tcbStatus: "UpToDate" }],
  }));
  const info = {
    id: "TDX",
    version: 3,
    issueDate,
    nextUpdate,
    fmspc: HEX(platform.fmspc),
    pceId: "0000",
    tcbType: 0,
    tcbEvaluationDataNumber: TCB_EVALUATION_DATA_NUMBER,
    tdxModule: { mrsigner: zeros48, attributes: "0000000000000000", attributesMask: "FFFFFFFFFFFFFFFF" },
    tdxModuleIdentities,
    tcbLevels: [level],
  };
  return JSON.stringify(info);
}

export function qeIdentityJson(qe: QeIdentityFacts, options: CollateralOptions, now: Date): string {
  const issueDate = intelDate(now);
  const identity = {
    id: "TD_QE",
    version: 2,
    issueDate,
    nextUpdate: intelDate(new Date(now.getTime() + (options.validityDays ?? 30) * 86_400_000)),
    tcbEvaluationDataNumber: TCB_EVALUATION_DATA_NUMBER,
    miscselect: HEX(Uint8Array.of(...leBytes(qe.miscSelect, 4).reverse())),
    miscselectMask: "FFFFFFFF",
    attributes: maskHex(qe.attributes, QE_ATTRIBUTES_MASK),
    attributesMask: QE_ATTRIBUTES_MASK,
    mrsigner: HEX(qe.mrSigner),
    isvprodid: qe.isvProdId,
    tcbLevels: [{ tcb: { isvsvn: qe.isvSvn }, tcbDate: issueDate, tcbStatus: "UpToDate" }],
  };
  return JSON.stringify(identity);
}

function leBytes(value: number, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push((value >>> (8 * i)) & 0xff);
  return out;
}

export async function createTdxCollateral(
  intel: IntelHierarchy,
  platform: PlatformTcbFacts,
  qe: QeIdentityFacts,
  options: CollateralOptions,
  now: Date,
): Promise<SimulatedDcapCollateral> {
  const tcbInfo = tcbInfoJson(platform, options, now);
  const qeIdentity = qeIdentityJson(qe, options, now);
  const sign = (text: string): string =>
    Buffer.from(signP1363(intel.tcbSigningKey, "sha256", Buffer.from(text, "utf8"))).toString("hex");
  const signingChain = IntelHierarchy.pem(intel.tcbSigningDer, intel.rootDer);
  const crls = await intel.crls(now);
  return {
    tcbInfo,
    tcbInfoSignature: sign(tcbInfo),
    tcbInfoIssuerChain: signingChain,
    qeIdentity,
    qeIdentitySignature: sign(qeIdentity),
    qeIdentityIssuerChain: signingChain,
    rootCaCrl: crls.rootCaCrl,
    pckCrl: crls.pckCrl,
    pckCrlIssuerChain: IntelHierarchy.pem(intel.pckCaDer, intel.rootDer),
  };
}

/**
 * The same collateral as dcap-qvl's `QuoteCollateralV3` JSON (snake_case, CRLs as hex DER), the on-disk format of
 * vectors/tdx/dcapqvl/*_collateral.json, readable by dcap-qvl and by @cocoon/evidence `collateralFromQvlJson`.
 */
export function collateralToQvlJson(c: SimulatedDcapCollateral): string {
  return (
    JSON.stringify(
      {
        pck_crl_issuer_chain: c.pckCrlIssuerChain,
        root_ca_crl: Buffer.from(c.rootCaCrl).toString("hex"),
        pck_crl: Buffer.from(c.pckCrl).toString("hex"),
        tcb_info_issuer_chain: c.tcbInfoIssuerChain,
        tcb_info: c.tcbInfo,
        tcb_info_signature: c.tcbInfoSignature,
        qe_identity_issuer_chain: c.qeIdentityIssuerChain,
        qe_identity: c.qeIdentity,
        qe_identity_signature: c.qeIdentitySignature,
      },
      null,
      2,
    ) + "\n"
  );
}
