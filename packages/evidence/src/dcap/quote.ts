/**
 * Intel DCAP ECDSA quote decoding: SGX v3, TDX v4 and v5 (research/evidence.md §4.1–4.3; layouts as
 * Phala-Network/dcap-qvl src/quote.rs and Intel's "ECDSA Quote Library API" appendix). Every length is
 * bounds-checked before it is used; decoding never verifies anything.
 */
import { DcapFormatError } from "./errors.ts";

/** Header constants (dcap-qvl src/constants.rs). */
export const HEADER_LEN = 48;
export const TEE_TYPE_SGX = 0x00000000;
export const TEE_TYPE_TDX = 0x00000081;
/** attestation_key_type 2 = ECDSA-256-with-P-256; the only type Intel's QE produces and QVL accepts. */
export const ATT_KEY_TYPE_ECDSA_P256 = 2;
/** Intel's QE vendor ID; quotes from any other QE are rejected (QVL QuoteVerifier, dcap-qvl INTEL_QE_VENDOR_ID). */
export const INTEL_QE_VENDOR_ID = "939a7233f79c4ca9940a0db3957f0607";

/** v5 body descriptor types and sizes (dcap-qvl constants.rs BODY_*). */
export const BODY_SGX_ENCLAVE_REPORT = 1;
export const BODY_TD_REPORT10 = 2;
export const BODY_TD_REPORT15 = 3;
export const ENCLAVE_REPORT_LEN = 384;
export const TD_REPORT10_LEN = 584;
export const TD_REPORT15_LEN = 648;

/** Certification data types (Intel ECDSA quote spec; dcap-qvl constants.rs). */
export const CERT_DATA_PCK_CHAIN = 5;
export const CERT_DATA_QE_REPORT = 6;

export interface QuoteHeader {
  version: number;
  attKeyType: number;
  teeType: number;
  /** v3: QE SVN (bytes 8..10); reserved in v4/v5. */
  qeSvn: number;
  /** v3: PCE SVN (bytes 10..12); reserved in v4/v5. */
  pceSvn: number;
  /** Bytes 8..12 as they are (Trustee's `reserved` / `qe_svn`‖`pce_svn`). */
  reserved: Uint8Array;
  qeVendorId: Uint8Array;
  userData: Uint8Array;
  raw: Uint8Array;
}

/** SGX REPORT body (384 bytes), field names as Trustee's sgx claims. */
export interface EnclaveReport {
  kind: "sgx";
  cpuSvn: Uint8Array;
  miscSelect: number;
  miscSelectRaw: Uint8Array;
  reserved1: Uint8Array;
  isvExtProdId: Uint8Array;
  attributes: Uint8Array;
  mrEnclave: Uint8Array;
  reserved2: Uint8Array;
  mrSigner: Uint8Array;
  reserved3: Uint8Array;
  configId: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  configSvn: number;
  reserved4: Uint8Array;
  isvFamilyId: Uint8Array;
  reportData: Uint8Array;
  raw: Uint8Array;
}

/** TD REPORT 1.0 / 1.5 body. */
export interface TdReport {
  kind: "td10" | "td15";
  teeTcbSvn: Uint8Array;
  mrSeam: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: Uint8Array;
  tdAttributes: Uint8Array;
  xfam: Uint8Array;
  mrTd: Uint8Array;
  mrConfigId: Uint8Array;
  mrOwner: Uint8Array;
  mrOwnerConfig: Uint8Array;
  rtmr: [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  reportData: Uint8Array;
  /** TD 1.5 only. */
  teeTcbSvn2?: Uint8Array;
  /** TD 1.5 only. */
  mrServiceTd?: Uint8Array;
  raw: Uint8Array;
}

export interface QeCertificationData {
  qeReport: EnclaveReport;
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  /** Inner certification data type (5 = PCK chain is the only one verifiable without external data). */
  pckCertDataType: number;
  pckCertData: Uint8Array;
}

export interface DcapQuote {
  header: QuoteHeader;
  tee: "sgx" | "tdx";
  /** v5 only: body descriptor. */
  bodyType?: number;
  bodySize?: number;
  body: EnclaveReport | TdReport;
  /** Bytes covered by the quote signature: header (+ v5 descriptor) + body. */
  signedRegion: Uint8Array;
  /** r‖s, 64 bytes, big-endian. */
  signature: Uint8Array;
  /** Attestation public key x‖y, 64 bytes. */
  attestationKey: Uint8Array;
  /** Outer certification data type: 6 (QE report certification data) for v4/v5; null for v3, whose QE report is inline. */
  outerCertDataType: number | null;
  certification: QeCertificationData;
  /** Length of the quote proper; anything after it is trailing bytes. */
  quoteLength: number;
  trailing: Uint8Array;
}

class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new DcapFormatError(
        `quote truncated: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`,
        {
          field: what,
          offset: this.pos,
        },
      );
    }
  }
  bytesOf(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = u16At(this.bytes, this.pos);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = u32At(this.bytes, this.pos);
    this.pos += 4;
    return v;
  }
}

function u16At(bytes: Uint8Array, off: number): number {
  return bytes[off]! | (bytes[off + 1]! << 8);
}

function u32At(bytes: Uint8Array, off: number): number {
  return (bytes[off]! | (bytes[off + 1]! << 8) | (bytes[off + 2]! << 16) | (bytes[off + 3]! << 24)) >>> 0;
}

/** Decode a 384-byte SGX REPORT body (offsets: Intel SGX SDK sgx_report_body_t). */
export function parseEnclaveReport(raw: Uint8Array): EnclaveReport {
  if (raw.length !== ENCLAVE_REPORT_LEN) {
    throw new DcapFormatError(`SGX enclave report must be ${ENCLAVE_REPORT_LEN} bytes, got ${raw.length}`);
  }
  return {
    kind: "sgx",
    cpuSvn: raw.subarray(0, 16),
    miscSelect: u32At(raw, 16),
    miscSelectRaw: raw.subarray(16, 20),
    reserved1: raw.subarray(20, 32),
    isvExtProdId: raw.subarray(32, 48),
    attributes: raw.subarray(48, 64),
    mrEnclave: raw.subarray(64, 96),
    reserved2: raw.subarray(96, 128),
    mrSigner: raw.subarray(128, 160),
    reserved3: raw.subarray(160, 192),
    configId: raw.subarray(192, 256),
    isvProdId: u16At(raw, 256),
    isvSvn: u16At(raw, 258),
    configSvn: u16At(raw, 260),
    reserved4: raw.subarray(262, 304),
    isvFamilyId: raw.subarray(304, 320),
    reportData: raw.subarray(320, 384),
    raw,
  };
}

/** Decode a TD REPORT 1.0 (584 bytes) or 1.5 (648 bytes) quote body. */
export function parseTdReport(raw: Uint8Array): TdReport {
  if (raw.length !== TD_REPORT10_LEN && raw.length !== TD_REPORT15_LEN) {
    throw new DcapFormatError(
      `TD report body must be ${TD_REPORT10_LEN} or ${TD_REPORT15_LEN} bytes, got ${raw.length}`,
    );
  }
  const report: TdReport = {
    kind: raw.length === TD_REPORT15_LEN ? "td15" : "td10",
    teeTcbSvn: raw.subarray(0, 16),
    mrSeam: raw.subarray(16, 64),
    mrSignerSeam: raw.subarray(64, 112),
    seamAttributes: raw.subarray(112, 120),
    tdAttributes: raw.subarray(120, 128),
    xfam: raw.subarray(128, 136),
    mrTd: raw.subarray(136, 184),
    mrConfigId: raw.subarray(184, 232),
    mrOwner: raw.subarray(232, 280),
    mrOwnerConfig: raw.subarray(280, 328),
    rtmr: [raw.subarray(328, 376), raw.subarray(376, 424), raw.subarray(424, 472), raw.subarray(472, 520)],
    reportData: raw.subarray(520, 584),
    raw,
  };
  if (report.kind === "td15") {
    report.teeTcbSvn2 = raw.subarray(584, 600);
    report.mrServiceTd = raw.subarray(600, 648);
  }
  return report;
}

function parseHeader(r: Reader): QuoteHeader {
  const raw = r.bytes.subarray(r.pos, r.pos + HEADER_LEN);
  r.need(HEADER_LEN, "header");
  const version = r.u16("header.version");
  const attKeyType = r.u16("header.att_key_type");
  const teeType = r.u32("header.tee_type");
  const reserved = r.bytes.subarray(r.pos, r.pos + 4);
  const qeSvn = r.u16("header.qe_svn");
  const pceSvn = r.u16("header.pce_svn");
  const qeVendorId = r.bytesOf(16, "header.qe_vendor_id");
  const userData = r.bytesOf(20, "header.user_data");
  return { version, attKeyType, teeType, qeSvn, pceSvn, reserved, qeVendorId, userData, raw };
}

/**
 * Decode the QE report certification data (type 6): QE report, its PCK signature, QE auth data and
 * the nested certification data (type 5: PEM PCK chain).
 */
function parseQeCertificationData(data: Uint8Array): QeCertificationData {
  const r = new Reader(data);
  const qeReport = parseEnclaveReport(r.bytesOf(ENCLAVE_REPORT_LEN, "qe_report"));
  const qeReportSignature = r.bytesOf(64, "qe_report_signature");
  const authLen = r.u16("qe_auth_data_len");
  const qeAuthData = r.bytesOf(authLen, "qe_auth_data");
  const pckCertDataType = r.u16("pck_cert_data_type");
  const pckLen = r.u32("pck_cert_data_size");
  const pckCertData = r.bytesOf(pckLen, "pck_cert_data");
  if (r.pos !== r.end) {
    throw new DcapFormatError(
      `QE certification data has ${r.end - r.pos} unexplained bytes after the PCK data`,
    );
  }
  return { qeReport, qeReportSignature, qeAuthData, pckCertDataType, pckCertData };
}

/**
 * Decode a DCAP quote. Bytes after the quote proper (its signature data length says where it ends)
 * are returned as `trailing`: real quotes arrive in fixed buffers with 39/70/3065 zero bytes
 * (research §4.3, §4.10); the verifier accepts only all-zero trailing bytes.
 */
export function parseDcapQuote(quote: Uint8Array): DcapQuote {
  if (!(quote instanceof Uint8Array)) throw new DcapFormatError("quote must be bytes");
  // Fields are views into the caller's bytes. A plain Uint8Array view makes them plain views too:
  // slicing a Buffer goes through its subclass constructor, a measurable cost over ~40 fields.
  const input = new Uint8Array(quote.buffer, quote.byteOffset, quote.byteLength);
  const r = new Reader(input);
  const header = parseHeader(r);
  let tee: "sgx" | "tdx";
  if (header.version === 3) {
    // v3 is SGX only; bytes 4..8 are att_key_data_0/reserved and must read as SGX (0).
    if (header.teeType !== TEE_TYPE_SGX) {
      throw new DcapFormatError(`quote v3 must carry tee_type 0 (SGX), got 0x${header.teeType.toString(16)}`);
    }
    tee = "sgx";
  } else if (header.version === 4 || header.version === 5) {
    if (header.teeType === TEE_TYPE_TDX) tee = "tdx";
    else if (header.teeType === TEE_TYPE_SGX) tee = "sgx";
    else
      throw new DcapFormatError(`unknown tee_type 0x${header.teeType.toString(16)}`, {
        teeType: header.teeType,
      });
  } else {
    throw new DcapFormatError(`unsupported quote version ${header.version} (supported: 3, 4, 5)`, {
      version: header.version,
    });
  }

  let body: EnclaveReport | TdReport;
  let bodyType: number | undefined;
  let bodySize: number | undefined;
  if (header.version === 5) {
    bodyType = r.u16("body_type");
    bodySize = r.u32("body_size");
    const expected =
      bodyType === BODY_SGX_ENCLAVE_REPORT
        ? ENCLAVE_REPORT_LEN
        : bodyType === BODY_TD_REPORT10
          ? TD_REPORT10_LEN
          : bodyType === BODY_TD_REPORT15
            ? TD_REPORT15_LEN
            : undefined;
    if (expected === undefined) throw new DcapFormatError(`unknown v5 body type ${bodyType}`, { bodyType });
    if (bodySize !== expected) {
      throw new DcapFormatError(`v5 body type ${bodyType} must have size ${expected}, got ${bodySize}`, {
        bodyType,
        bodySize,
      });
    }
    if ((bodyType === BODY_SGX_ENCLAVE_REPORT) !== (tee === "sgx")) {
      throw new DcapFormatError(
        `v5 body type ${bodyType} does not match tee_type 0x${header.teeType.toString(16)}`,
      );
    }
    const raw = r.bytesOf(bodySize, "body");
    body = bodyType === BODY_SGX_ENCLAVE_REPORT ? parseEnclaveReport(raw) : parseTdReport(raw);
  } else if (tee === "sgx") {
    body = parseEnclaveReport(r.bytesOf(ENCLAVE_REPORT_LEN, "body"));
  } else {
    body = parseTdReport(r.bytesOf(TD_REPORT10_LEN, "body"));
  }
  const signedRegion = input.subarray(0, r.pos);

  const sigDataLen = r.u32("signature_data_len");
  const sigEnd = r.pos + sigDataLen;
  if (sigEnd > input.length) {
    throw new DcapFormatError(
      `signature_data_len ${sigDataLen} runs past the end of the quote (${input.length - r.pos} bytes left)`,
      {
        sigDataLen,
      },
    );
  }
  const s = new Reader(input, r.pos, sigEnd);
  const signature = s.bytesOf(64, "quote_signature");
  const attestationKey = s.bytesOf(64, "attestation_key");
  let outerCertDataType: number | null;
  let certification: QeCertificationData;
  if (header.version === 3) {
    // v3 (Intel QE3): QE report, its signature and auth data come first, then certification data (type 5).
    const qeReport = parseEnclaveReport(s.bytesOf(ENCLAVE_REPORT_LEN, "qe_report"));
    const qeReportSignature = s.bytesOf(64, "qe_report_signature");
    const authLen = s.u16("qe_auth_data_len");
    const qeAuthData = s.bytesOf(authLen, "qe_auth_data");
    outerCertDataType = null;
    const pckCertDataType = s.u16("cert_data_type");
    const len = s.u32("cert_data_size");
    const pckCertData = s.bytesOf(len, "cert_data");
    certification = { qeReport, qeReportSignature, qeAuthData, pckCertDataType, pckCertData };
  } else {
    outerCertDataType = s.u16("cert_data_type");
    const len = s.u32("cert_data_size");
    const data = s.bytesOf(len, "cert_data");
    if (outerCertDataType !== CERT_DATA_QE_REPORT) {
      throw new DcapFormatError(
        `certification data type ${outerCertDataType} is not supported (expected 6, QE report certification data)`,
        { certDataType: outerCertDataType },
      );
    }
    certification = parseQeCertificationData(data);
  }
  if (s.pos !== s.end) {
    throw new DcapFormatError(`signature data has ${s.end - s.pos} unexplained bytes`, { sigDataLen });
  }
  return {
    header,
    tee,
    ...(bodyType === undefined ? {} : { bodyType, bodySize }),
    body,
    signedRegion,
    signature,
    attestationKey,
    outerCertDataType,
    certification,
    quoteLength: sigEnd,
    trailing: input.subarray(sigEnd),
  };
}
