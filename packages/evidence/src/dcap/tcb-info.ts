/**
 * Intel TCB info (v2/v3) and enclave identity (QE / TD_QE) documents, and Intel's TCB evaluation
 * (Intel SGX-TDX-DCAP-QuoteVerificationLibrary TcbLevelCheck.cpp / TdxModuleCheck.cpp /
 * QeIdentityCheck; research/evidence.md §4.7–4.8).
 */
import type { TcbStatus } from "../types.ts";
import { DcapCollateralError } from "./errors.ts";

export interface TcbComponent {
  svn: number;
  category?: string;
  type?: string;
}

export interface TcbLevel {
  tcb: {
    sgxtcbcomponents: number[];
    pcesvn: number;
    tdxtcbcomponents?: number[];
  };
  tcbDate: string;
  tcbStatus: string;
  advisoryIDs: string[];
}

export interface TdxModuleIdentity {
  id: string;
  mrsigner: string;
  attributes: string;
  attributesMask: string;
  tcbLevels: { isvsvn: number; tcbDate: string; tcbStatus: string; advisoryIDs: string[] }[];
}

export interface TcbInfo {
  id: string;
  version: number;
  issueDate: string;
  nextUpdate: string;
  fmspc: string;
  pceId: string;
  tcbType: number;
  tcbEvaluationDataNumber: number;
  tdxModule?: { mrsigner: string; attributes: string; attributesMask: string };
  tdxModuleIdentities?: TdxModuleIdentity[];
  tcbLevels: TcbLevel[];
}

export interface EnclaveIdentity {
  id: string;
  version: number;
  issueDate: string;
  nextUpdate: string;
  tcbEvaluationDataNumber: number;
  miscselect: string;
  miscselectMask: string;
  attributes: string;
  attributesMask: string;
  mrsigner: string;
  isvprodid: number;
  tcbLevels: { isvsvn: number; tcbDate: string; tcbStatus: string; advisoryIDs: string[] }[];
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new DcapCollateralError(`${what} must be an object`);
  return v as Json;
}
function str(o: Json, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== "string") throw new DcapCollateralError(`${what}.${k} must be a string`);
  return v;
}
function num(o: Json, k: string, what: string): number {
  const v = o[k];
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new DcapCollateralError(`${what}.${k} must be an integer`);
  return v;
}
function arr(o: Json, k: string, what: string): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new DcapCollateralError(`${what}.${k} must be an array`);
  return v;
}
function advisories(o: Json): string[] {
  const v = o["advisoryIDs"];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Component SVNs: v3 `sgxtcbcomponents[{svn}]` or v2 `sgxtcbcomp01svn…16svn`; exactly 16 (dcap-qvl rejects other counts, F23). */
function components(tcb: Json, key: "sgx" | "tdx", what: string): number[] | undefined {
  const list = tcb[`${key}tcbcomponents`];
  if (Array.isArray(list)) {
    if (list.length !== 16)
      throw new DcapCollateralError(`${what}.${key}tcbcomponents must have 16 entries, has ${list.length}`);
    return list.map((c, i) => num(obj(c, `${what}[${i}]`), "svn", `${what}.${key}tcbcomponents[${i}]`));
  }
  if (key === "tdx") return undefined;
  const out: number[] = [];
  for (let i = 1; i <= 16; i++) out.push(num(tcb, `sgxtcbcomp${String(i).padStart(2, "0")}svn`, what));
  return out;
}

function identityLevels(list: unknown[], what: string): EnclaveIdentity["tcbLevels"] {
  return list.map((l, i) => {
    const lv = obj(l, `${what}[${i}]`);
    return {
      isvsvn: num(obj(lv["tcb"], `${what}[${i}].tcb`), "isvsvn", `${what}[${i}].tcb`),
      tcbDate: str(lv, "tcbDate", `${what}[${i}]`),
      tcbStatus: str(lv, "tcbStatus", `${what}[${i}]`),
      advisoryIDs: advisories(lv),
    };
  });
}

/** Decode a TCB info JSON object (already signature-checked). */
export function parseTcbInfo(text: string): TcbInfo {
  let root: Json;
  try {
    root = obj(JSON.parse(text), "tcbInfo");
  } catch (error) {
    if (error instanceof DcapCollateralError) throw error;
    throw new DcapCollateralError("tcbInfo is not valid JSON", { cause: String(error) });
  }
  const w = "tcbInfo";
  const info: TcbInfo = {
    id: typeof root["id"] === "string" ? (root["id"] as string) : "SGX",
    version: num(root, "version", w),
    issueDate: str(root, "issueDate", w),
    nextUpdate: str(root, "nextUpdate", w),
    fmspc: str(root, "fmspc", w),
    pceId: str(root, "pceId", w),
    tcbType: typeof root["tcbType"] === "number" ? (root["tcbType"] as number) : 0,
    tcbEvaluationDataNumber:
      typeof root["tcbEvaluationDataNumber"] === "number" ? (root["tcbEvaluationDataNumber"] as number) : 0,
    tcbLevels: arr(root, "tcbLevels", w).map((l, i) => {
      const lw = `${w}.tcbLevels[${i}]`;
      const lv = obj(l, lw);
      const tcb = obj(lv["tcb"], `${lw}.tcb`);
      const tdx = components(tcb, "tdx", `${lw}.tcb`);
      return {
        tcb: {
          sgxtcbcomponents: components(tcb, "sgx", `${lw}.tcb`)!,
          pcesvn: num(tcb, "pcesvn", `${lw}.tcb`),
          ...(tdx ? { tdxtcbcomponents: tdx } : {}),
        },
        tcbDate: str(lv, "tcbDate", lw),
        tcbStatus: str(lv, "tcbStatus", lw),
        advisoryIDs: advisories(lv),
      };
    }),
  };
  if (root["tdxModule"] !== undefined) {
    const m = obj(root["tdxModule"], `${w}.tdxModule`);
    info.tdxModule = {
      mrsigner: str(m, "mrsigner", `${w}.tdxModule`),
      attributes: str(m, "attributes", `${w}.tdxModule`),
      attributesMask: str(m, "attributesMask", `${w}.tdxModule`),
    };
  }
  if (root["tdxModuleIdentities"] !== undefined) {
    info.tdxModuleIdentities = arr(root, "tdxModuleIdentities", w).map((m, i) => {
      const mw = `${w}.tdxModuleIdentities[${i}]`;
      const mo = obj(m, mw);
      return {
        id: str(mo, "id", mw),
        mrsigner: str(mo, "mrsigner", mw),
        attributes: str(mo, "attributes", mw),
        attributesMask: str(mo, "attributesMask", mw),
        tcbLevels: identityLevels(arr(mo, "tcbLevels", mw), `${mw}.tcbLevels`),
      };
    });
  }
  return info;
}

/** Decode an enclave identity JSON object (already signature-checked). */
export function parseEnclaveIdentity(text: string): EnclaveIdentity {
  let root: Json;
  try {
    root = obj(JSON.parse(text), "enclaveIdentity");
  } catch (error) {
    if (error instanceof DcapCollateralError) throw error;
    throw new DcapCollateralError("enclaveIdentity is not valid JSON", { cause: String(error) });
  }
  const w = "enclaveIdentity";
  return {
    id: str(root, "id", w),
    version: num(root, "version", w),
    issueDate: str(root, "issueDate", w),
    nextUpdate: str(root, "nextUpdate", w),
    tcbEvaluationDataNumber:
      typeof root["tcbEvaluationDataNumber"] === "number" ? (root["tcbEvaluationDataNumber"] as number) : 0,
    miscselect: str(root, "miscselect", w),
    miscselectMask: str(root, "miscselectMask", w),
    attributes: str(root, "attributes", w),
    attributesMask: str(root, "attributesMask", w),
    mrsigner: str(root, "mrsigner", w),
    isvprodid: num(root, "isvprodid", w),
    tcbLevels: identityLevels(arr(root, "tcbLevels", w), `${w}.tcbLevels`),
  };
}

const KNOWN_STATUSES = new Set<string>([
  "UpToDate",
  "SWHardeningNeeded",
  "ConfigurationNeeded",
  "ConfigurationAndSWHardeningNeeded",
  "OutOfDate",
  "OutOfDateConfigurationNeeded",
  "Revoked",
  "TDRelaunchAdvised",
  "TDRelaunchAdvisedConfigurationNeeded",
]);

export function asTcbStatus(s: string): TcbStatus {
  return KNOWN_STATUSES.has(s) ? (s as TcbStatus) : "Unknown";
}

export interface PlatformTcbInput {
  cpuSvnComponents: number[];
  pceSvn: number;
  /** TDX only: TEE_TCB_SVN from the TD report. */
  teeTcbSvn?: Uint8Array;
}

/** Intel TcbLevelCheck: the first level (in the document's order, Intel publishes them descending) the platform meets. */
export function matchTcbLevel(info: TcbInfo, p: PlatformTcbInput): { sgx?: TcbLevel; level?: TcbLevel } {
  let sgx: TcbLevel | undefined;
  for (const level of info.tcbLevels) {
    const sgxOk =
      level.tcb.sgxtcbcomponents.every((svn, i) => (p.cpuSvnComponents[i] ?? 0) >= svn) &&
      p.pceSvn >= level.tcb.pcesvn;
    if (!sgxOk) continue;
    sgx ??= level;
    if (!p.teeTcbSvn) return { sgx, level };
    const tdx = level.tcb.tdxtcbcomponents;
    if (!tdx) continue;
    // isTdxTcbHigherOrEqual: with a TDX module major version (tee_tcb_svn[1]) > 0 the first two
    // components are the module SVNs, judged by the module identity instead (TcbLevelCheck.cpp).
    const start = p.teeTcbSvn[1]! > 0 ? 2 : 0;
    let ok = true;
    for (let i = start; i < 16; i++) if (p.teeTcbSvn[i]! < tdx[i]!) ok = false;
    if (ok) return { sgx, level };
  }
  return sgx ? { sgx } : {};
}

export interface ModuleEvaluation {
  /** "TDX_%02X", or undefined when the module major SVN is 0 (no identity check, TdxModuleCheck.cpp). */
  identityId?: string;
  identity?: TdxModuleIdentity;
  level?: TdxModuleIdentity["tcbLevels"][number];
  mismatch?: string;
}

/**
 * `Buffer.from(hex, "hex")` remembered per string: the hex values come from cached, parsed
 * collateral and are compared on every verification. The returned buffers are never modified.
 */
const decodedHex = new Map<string, Buffer>();

function hexBytes(hex: string): Buffer {
  let bytes = decodedHex.get(hex);
  if (bytes === undefined) {
    bytes = Buffer.from(hex, "hex");
    if (decodedHex.size >= 4096) decodedHex.clear();
    decodedHex.set(hex, bytes);
  }
  return bytes;
}

/** `a` equals the bytes `hex` spells (either case); false when `hex` is not exactly hex digits. */
function hexEq(a: Uint8Array, hex: string): boolean {
  const bytes = hexBytes(hex);
  // Decoding stops at the first non-hex pair, so a shorter result means `hex` was not all hex.
  return bytes.length * 2 === hex.length && bytes.equals(a);
}

function maskedEq(value: Uint8Array, maskHex: string, expectHex: string): boolean {
  const mask = hexBytes(maskHex);
  const expect = hexBytes(expectHex);
  if (mask.length !== value.length || expect.length !== value.length) return false;
  for (let i = 0; i < value.length; i++) if ((value[i]! & mask[i]!) !== expect[i]) return false;
  return true;
}

/** Intel TdxModuleCheck: module identity `TDX_%02X` by the module major SVN, MRSIGNER_SEAM, masked SEAM_ATTRIBUTES, ISVSVN level. */
export function evaluateTdxModule(
  info: TcbInfo,
  teeTcbSvn: Uint8Array,
  mrSignerSeam: Uint8Array,
  seamAttributes: Uint8Array,
): ModuleEvaluation {
  if (info.tdxModule) {
    if (!hexEq(mrSignerSeam, info.tdxModule.mrsigner))
      return { mismatch: "MRSIGNER_SEAM differs from tcbInfo.tdxModule.mrsigner" };
    if (!maskedEq(seamAttributes, info.tdxModule.attributesMask, info.tdxModule.attributes)) {
      return { mismatch: "SEAM_ATTRIBUTES (masked) differ from tcbInfo.tdxModule.attributes" };
    }
  }
  const major = teeTcbSvn[1]!;
  if (major === 0) return {};
  const identityId = `TDX_${major.toString(16).toUpperCase().padStart(2, "0")}`;
  const identity = info.tdxModuleIdentities?.find((m) => m.id.toUpperCase() === identityId);
  if (!identity) return { identityId, mismatch: `no TDX module identity ${identityId} in tcbInfo` };
  if (!hexEq(mrSignerSeam, identity.mrsigner))
    return { identityId, identity, mismatch: `MRSIGNER_SEAM differs from ${identityId}.mrsigner` };
  if (!maskedEq(seamAttributes, identity.attributesMask, identity.attributes)) {
    return {
      identityId,
      identity,
      mismatch: `SEAM_ATTRIBUTES (masked) differ from ${identityId}.attributes`,
    };
  }
  const level = identity.tcbLevels.find((l) => teeTcbSvn[0]! >= l.isvsvn);
  if (!level)
    return {
      identityId,
      identity,
      mismatch: `TDX module SVN ${teeTcbSvn[0]} is below every ${identityId} level`,
    };
  return { identityId, identity, level };
}

export interface QeIdentityEvaluation {
  mismatches: string[];
  level?: EnclaveIdentity["tcbLevels"][number];
}

/** Intel QE identity check: MRSIGNER, ISVPRODID, masked MISCSELECT and ATTRIBUTES, then the TCB level by ISVSVN. */
export function evaluateQeIdentity(
  identity: EnclaveIdentity,
  qe: {
    mrSigner: Uint8Array;
    isvProdId: number;
    isvSvn: number;
    miscSelectRaw: Uint8Array;
    attributes: Uint8Array;
  },
): QeIdentityEvaluation {
  const mismatches: string[] = [];
  if (!hexEq(qe.mrSigner, identity.mrsigner)) mismatches.push("mrsigner");
  if (qe.isvProdId !== identity.isvprodid) mismatches.push("isvprodid");
  // miscselect is a little-endian u32 in the report; Intel writes the hex of its bytes as they appear.
  if (!maskedEq(qe.miscSelectRaw, identity.miscselectMask, identity.miscselect))
    mismatches.push("miscselect");
  if (!maskedEq(qe.attributes, identity.attributesMask, identity.attributes)) mismatches.push("attributes");
  const level = identity.tcbLevels.find((l) => qe.isvSvn >= l.isvsvn);
  return level ? { mismatches, level } : { mismatches };
}

/**
 * Converge platform, TDX module and QE statuses (TdxModuleCheck.cpp l.99, TcbLevelCheck.cpp l.83):
 * Revoked anywhere wins; an OutOfDate module or QE turns UpToDate/SWHardeningNeeded into OutOfDate
 * and the Configuration* statuses into OutOfDateConfigurationNeeded.
 */
export function convergeTcbStatus(platform: TcbStatus, others: TcbStatus[]): TcbStatus {
  if (platform === "Revoked" || others.includes("Revoked")) return "Revoked";
  if (others.includes("OutOfDate")) {
    if (platform === "UpToDate" || platform === "SWHardeningNeeded") return "OutOfDate";
    if (platform === "ConfigurationNeeded" || platform === "ConfigurationAndSWHardeningNeeded")
      return "OutOfDateConfigurationNeeded";
    if (platform === "TDRelaunchAdvised") return "OutOfDate";
    if (platform === "TDRelaunchAdvisedConfigurationNeeded") return "OutOfDateConfigurationNeeded";
  }
  return platform;
}
