/**
 * Intel DCAP quote v4/v5 layout for TDX (research/evidence.md §4.1–4.3; dcap-qvl src/quote.rs and constants.rs).
 * Offsets relative to the start of each structure; integers little-endian.
 */

export const QUOTE_VERSION_4 = 4;
export const QUOTE_VERSION_5 = 5;
/** v5 body descriptor (dcap-qvl constants.rs `BODY_*`): type u16 + size u32 between header and body. */
export const BODY_DESCRIPTOR_LEN = 6;
export const BODY_TD_REPORT15 = 3;
/** attestation_key_type 2 = ECDSA-256-with-P-256 (dcap-qvl `ALLOWED_ATTESTATION_KEY_TYPES`). */
export const ATT_KEY_TYPE_ECDSA_P256 = 2;
/** tee_type 0x81 = TDX (dcap-qvl `TEE_TYPE_TDX`). */
export const TEE_TYPE_TDX = 0x00000081;
/** Intel's QE vendor ID (dcap-qvl `INTEL_QE_VENDOR_ID`); verifiers reject any other, so the simulator uses it. */
export const INTEL_QE_VENDOR_ID = "939a7233f79c4ca9940a0db3957f0607";
export const HEADER_LEN = 48;
export const TD_REPORT10_LEN = 584;
export const TD_REPORT15_LEN = 648;
export const ENCLAVE_REPORT_LEN = 384;
/** Certification data types (dcap-qvl constants.rs): 5 = PCK cert chain, 6 = QE report certification data. */
export const CERT_DATA_PCK_CHAIN = 5;
export const CERT_DATA_QE_REPORT = 6;

export interface BytesField {
  name: string;
  offset: number;
  size: number;
}

const b = (name: string, offset: number, size: number): BytesField => ({ name, offset, size });

/** TD REPORT 1.0 body (584 bytes, dcap-qvl `TDReport10`). */
export const TD_REPORT10_FIELDS: readonly BytesField[] = [
  b("teeTcbSvn", 0, 16),
  b("mrSeam", 16, 48),
  b("mrSignerSeam", 64, 48),
  b("seamAttributes", 112, 8),
  b("tdAttributes", 120, 8),
  b("xfam", 128, 8),
  b("mrTd", 136, 48),
  b("mrConfigId", 184, 48),
  b("mrOwner", 232, 48),
  b("mrOwnerConfig", 280, 48),
  b("rtmr0", 328, 48),
  b("rtmr1", 376, 48),
  b("rtmr2", 424, 48),
  b("rtmr3", 472, 48),
  b("reportData", 520, 64),
];

/** TD REPORT 1.5 body (648 bytes, dcap-qvl `TDReport15`): TD 1.0 plus TEE_TCB_SVN2 and MR_SERVICETD. */
export const TD_REPORT15_FIELDS: readonly BytesField[] = [
  ...TD_REPORT10_FIELDS,
  b("teeTcbSvn2", 584, 16),
  b("mrServiceTd", 600, 48),
];

/** SGX ENCLAVE REPORT (384 bytes, dcap-qvl `EnclaveReport`): the QE report. u16/u32 fields stored LE. */
export const ENCLAVE_REPORT_FIELDS: readonly BytesField[] = [
  b("cpuSvn", 0, 16),
  b("miscSelect", 16, 4),
  b("attributes", 48, 16),
  b("mrEnclave", 64, 32),
  b("mrSigner", 128, 32),
  b("isvProdId", 256, 2),
  b("isvSvn", 258, 2),
  b("reportData", 320, 64),
];

/** TD_ATTRIBUTES bits (dcap-qvl `TDAttributes`): bit 0 DEBUG, bit 28 SEPT_VE_DISABLE. */
export const TD_ATTRIBUTE = {
  debug: 1n << 0n,
  septVeDisable: 1n << 28n,
} as const;

export function writeFields(
  out: Uint8Array,
  base: number,
  table: readonly BytesField[],
  values: Record<string, Uint8Array>,
): void {
  for (const field of table) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (value.length !== field.size) throw new RangeError(`${field.name} must be ${field.size} bytes`);
    out.set(value, base + field.offset);
  }
}

export function readFields(
  input: Uint8Array,
  base: number,
  table: readonly BytesField[],
): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const field of table)
    out[field.name] = input.slice(base + field.offset, base + field.offset + field.size);
  return out;
}

export function le(value: number | bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt(value);
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
