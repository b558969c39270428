/**
 * Claims shaped exactly like Trustee's TDX and SGX verifiers (confidential-containers/trustee
 * deps/verifier/src/tdx/claims.rs, sgx/claims.rs, intel_dcap/claims.rs), so Trustee's Rego policies
 * (`input.tdx.quote.body.mr_td`, `input.tdx.tcb_status`, `input.tdx.td_attributes.debug`…) run unchanged.
 * Values are lower-case hex of the raw (little-endian) bytes, as Trustee's `hex::encode`.
 */
import type { Claims } from "../types.ts";
import type { PckExtensions } from "./pck.ts";
import type { DcapQuote, EnclaveReport, TdReport } from "./quote.ts";

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/** Two-digit lower-case hex of every byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Hex of a u16's little-endian bytes (as Trustee's `hex::encode(x.to_le_bytes())`). */
function u16le(n: number): string {
  return BYTE_HEX[n & 0xff]! + BYTE_HEX[(n >> 8) & 0xff]!;
}

/**
 * Hex of the fields of one report, sliced from a single hex encoding of the whole report (one
 * encoding instead of twenty; the fields are views into `raw`). A field that is not a view into
 * `raw` is encoded on its own.
 */
function fieldHex(raw: Uint8Array): (field: Uint8Array) => string {
  const all = hex(raw);
  return (field) => {
    const start = field.byteOffset - raw.byteOffset;
    if (field.buffer !== raw.buffer || start < 0 || start + field.byteLength > raw.byteLength)
      return hex(field);
    return all.slice(2 * start, 2 * (start + field.byteLength));
  };
}

/** TD_ATTRIBUTES flags Trustee names (claims.rs `TdAttributesFlags`). */
export function tdAttributeFlags(tdAttributes: Uint8Array): Record<string, boolean> {
  // Bit n of the little-endian 64-bit TD_ATTRIBUTES.
  const bit = (n: number): boolean => ((tdAttributes[n >> 3]! >> (n & 7)) & 1) === 1;
  return {
    debug: bit(0),
    septve_disable: bit(28),
    protection_keys: bit(30),
    key_locker: bit(31),
    perfmon: bit(63),
  };
}

/** Formatted PlatformInstanceIDs per (cached, never modified) PCK extensions object. */
const instanceIds = new WeakMap<PckExtensions, string>();

/** Trustee (intel_dcap/pck.rs) reads the PlatformInstanceID GUID as little-endian and prints it big-endian. */
function platformInstanceId(pck: PckExtensions | undefined): string | undefined {
  if (!pck?.platformInstanceId) return undefined;
  let id = instanceIds.get(pck);
  if (id === undefined) {
    id = hex(new Uint8Array(pck.platformInstanceId).reverse());
    instanceIds.set(pck, id);
  }
  return id;
}

/**
 * TDX claims as Trustee's tdx/claims.rs at the vectors' commit (78962cd): `quote`, `td_attributes`,
 * `report_data`, `init_data`, and `platform_instance_id` for Platform-CA PCKs. (`uefi_event_logs`
 * comes from the CC event log, which this verifier does not parse.) Every call returns new objects
 * (callers may add to them). Nothing is remembered per quote: a fresh quote is the common case, so the
 * body is hex-encoded once and each field is a slice of that one string.
 */
export function tdxClaims(q: DcapQuote, body: TdReport, pck?: PckExtensions): Claims {
  // Header and body are both inside the signed region: one hex encoding serves every field.
  const hex = fieldHex(q.signedRegion);
  const b: Record<string, string> = {
    tcb_svn: hex(body.teeTcbSvn),
    mr_seam: hex(body.mrSeam),
    mrsigner_seam: hex(body.mrSignerSeam),
    seam_attributes: hex(body.seamAttributes),
    td_attributes: hex(body.tdAttributes),
    xfam: hex(body.xfam),
    mr_td: hex(body.mrTd),
    mr_config_id: hex(body.mrConfigId),
    mr_owner: hex(body.mrOwner),
    mr_owner_config: hex(body.mrOwnerConfig),
    rtmr_0: hex(body.rtmr[0]),
    rtmr_1: hex(body.rtmr[1]),
    rtmr_2: hex(body.rtmr[2]),
    rtmr_3: hex(body.rtmr[3]),
    report_data: hex(body.reportData),
  };
  if (body.teeTcbSvn2 && body.mrServiceTd) {
    b["tee_tcb_svn2"] = hex(body.teeTcbSvn2);
    b["mr_servicetd"] = hex(body.mrServiceTd);
  }
  const quote: Record<string, unknown> = {
    header: {
      version: u16le(q.header.version),
      att_key_type: u16le(q.header.attKeyType),
      tee_type: hex(q.header.raw.subarray(4, 8)),
      reserved: hex(q.header.reserved),
      vendor_id: hex(q.header.qeVendorId),
      user_data: hex(q.header.userData),
    },
    body: b,
  };
  if (q.bodyType !== undefined && q.bodySize !== undefined) {
    // Trustee: hex of the v5 descriptor's little-endian type (u16) and size (u32) bytes.
    quote["type"] = u16le(q.bodyType);
    quote["size"] = u16le(q.bodySize & 0xffff) + u16le(q.bodySize >>> 16);
  }
  const claims: Claims = {
    quote,
    td_attributes: tdAttributeFlags(body.tdAttributes),
    report_data: b["report_data"],
    init_data: b["mr_config_id"],
  };
  const piid = platformInstanceId(pck);
  if (piid) claims["platform_instance_id"] = piid;
  return claims;
}

export function sgxClaims(q: DcapQuote, body: EnclaveReport, pck: PckExtensions | undefined): Claims {
  const hex = fieldHex(body.raw);
  const headerHex = fieldHex(q.header.raw);
  const claims: Claims = {
    header: {
      version: u16le(q.header.version),
      att_key_type: u16le(q.header.attKeyType),
      att_key_data_0: headerHex(q.header.raw.subarray(4, 8)),
      qe_svn: headerHex(q.header.raw.subarray(8, 10)),
      pce_svn: headerHex(q.header.raw.subarray(10, 12)),
      vendor_id: headerHex(q.header.qeVendorId),
      user_data: headerHex(q.header.userData),
    },
    body: {
      cpu_svn: hex(body.cpuSvn),
      misc_select: hex(body.miscSelectRaw),
      reserved1: hex(body.reserved1),
      isv_ext_prod_id: hex(body.isvExtProdId),
      "attributes.flags": hex(body.attributes.subarray(0, 8)),
      "attributes.xfrm": hex(body.attributes.subarray(8, 16)),
      mr_enclave: hex(body.mrEnclave),
      reserved2: hex(body.reserved2),
      mr_signer: hex(body.mrSigner),
      reserved3: hex(body.reserved3),
      config_id: hex(body.configId),
      isv_prod_id: u16le(body.isvProdId),
      isv_svn: u16le(body.isvSvn),
      config_svn: u16le(body.configSvn),
      reserved4: hex(body.reserved4),
      isv_family_id: hex(body.isvFamilyId),
      report_data: hex(body.reportData),
    },
    report_data: hex(body.reportData),
    init_data: hex(body.configId),
  };
  const piid = platformInstanceId(pck);
  if (piid) claims["platform_instance_id"] = piid;
  return claims;
}

/** Trustee's DCAP supplemental claims (intel_dcap/claims.rs `prepare_custom_claims_map`). */
export interface SupplementalClaims {
  tcbStatus: string;
  collateralExpired: boolean;
  advisoryIds: string[];
  tcbDate?: string;
  /** Dates in epoch milliseconds. */
  earliestIssueDate?: number;
  latestIssueDate?: number;
  earliestExpirationDate?: number;
  pckCrlNum?: number;
  rootCaCrlNum?: number;
  tcbEvalNum?: number;
  pck?: PckExtensions;
  rootKeyId?: string;
}

const SGX_TYPES = ["Standard", "Scalable", "Scalable with Integrity"];

/** Formatted dates by epoch ms: collateral dates repeat on every verification, formatting them does not need to. */
const formatted = new Map<number, string>();

/** RFC 3339 without milliseconds, as Trustee formats supplemental dates. */
function rfc3339(ms: number): string {
  let s = formatted.get(ms);
  if (s === undefined) {
    s = new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    if (formatted.size >= 1024) formatted.clear();
    formatted.set(ms, s);
  }
  return s;
}

/** Hex PPIDs per (cached, never modified) PCK extensions object. */
const ppids = new WeakMap<PckExtensions, string>();

function ppidHex(pck: PckExtensions): string {
  let id = ppids.get(pck);
  if (id === undefined) {
    id = hex(pck.ppid);
    ppids.set(pck, id);
  }
  return id;
}

/**
 * The supplemental claims, added to `out` (a new object by default). Adding them to the claims object
 * itself, by name, keeps it a fast-properties object; `Object.assign` of a separate object made V8
 * turn the 20-odd-key claims into a dictionary on every verification.
 */
export function supplementalClaims(s: SupplementalClaims, out: Claims = {}): Claims {
  if (s.earliestIssueDate !== undefined) out["earliest_issue_date"] = rfc3339(s.earliestIssueDate);
  if (s.latestIssueDate !== undefined) out["latest_issue_date"] = rfc3339(s.latestIssueDate);
  if (s.earliestExpirationDate !== undefined)
    out["earliest_expiration_date"] = rfc3339(s.earliestExpirationDate);
  if (s.tcbDate) out["tcb_date"] = s.tcbDate;
  if (s.pckCrlNum !== undefined) out["pck_crl_num"] = s.pckCrlNum;
  if (s.rootCaCrlNum !== undefined) out["root_ca_crl_num"] = s.rootCaCrlNum;
  if (s.tcbEvalNum !== undefined) out["tcb_eval_num"] = s.tcbEvalNum;
  if (s.pck) {
    out["platform_provider_id"] = ppidHex(s.pck);
    out["sgx_type"] = SGX_TYPES[s.pck.sgxType] ?? `Unknown (${s.pck.sgxType})`;
    if (s.pck.sgxType > 0) {
      out["is_dynamic_platform"] = s.pck.dynamicPlatform === true;
      out["is_cached_keys"] = s.pck.cachedKeys === true;
      out["is_smt_enabled"] = s.pck.smtEnabled === true;
    }
  }
  if (s.rootKeyId) out["root_key_id"] = s.rootKeyId;
  out["tcb_status"] = s.tcbStatus;
  out["collateral_expiration_status"] = s.collateralExpired ? "1" : "0";
  out["advisory_ids"] = s.advisoryIds;
  return out;
}
