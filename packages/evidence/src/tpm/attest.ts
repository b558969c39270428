/**
 * TPMS_ATTEST (TPM 2.0 Part 2 §10.12.12) as produced by TPM2_Quote: the signed message of a quote.
 * Layout: magic u32, type u16, qualifiedSigner TPM2B_NAME, extraData TPM2B_DATA, clockInfo TPMS_CLOCK_INFO
 * (clock u64, resetCount u32, restartCount u32, safe u8), firmwareVersion u64, attested TPMU_ATTEST — for a
 * quote TPMS_QUOTE_INFO: pcrSelect TPML_PCR_SELECTION, pcrDigest TPM2B_DIGEST.
 */
import { TpmReader } from "./reader.ts";
import { TpmFormatError } from "./errors.ts";
import { TPM_ST_ATTEST_QUOTE } from "./constants.ts";
import { readPcrSelectionList, type PcrSelection } from "./pcr.ts";

export interface TpmClockInfo {
  clock: bigint;
  resetCount: number;
  restartCount: number;
  safe: boolean;
}

export interface TpmQuoteInfo {
  pcrSelect: PcrSelection[];
  pcrDigest: Uint8Array;
}

export interface TpmsAttest {
  magic: number;
  type: number;
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  clockInfo: TpmClockInfo;
  firmwareVersion: bigint;
  /** Present when `type` is TPM_ST_ATTEST_QUOTE; other attestation types are not decoded. */
  quote?: TpmQuoteInfo;
}

/** sizeof(TPMU_NAME) = 2 + 64 (a TPMT_HA with SHA-512) — Part 2 §10.5.3. */
const MAX_NAME = 68;
/** sizeof(TPMT_HA) bounds TPM2B_DATA (Part 2 §10.4.3): 2 + 64. */
const MAX_DATA = 66;
/** sizeof(TPMU_HA) bounds TPM2B_DIGEST (Part 2 §10.4.2). */
const MAX_DIGEST = 64;

/**
 * Decodes a TPMS_ATTEST. Magic and type are returned as found (the verifier reports a wrong value as a failed
 * check); structural problems — truncation, sizes beyond the spec's maxima, trailing bytes — throw TpmFormatError.
 */
export function parseTpmsAttest(bytes: Uint8Array): TpmsAttest {
  const r = new TpmReader(bytes, "TPMS_ATTEST");
  const magic = r.u32("magic");
  const type = r.u16("type");
  const qualifiedSigner = Uint8Array.from(r.tpm2b("qualifiedSigner", MAX_NAME));
  const extraData = Uint8Array.from(r.tpm2b("extraData", MAX_DATA));
  const clock = r.u64("clockInfo.clock");
  const resetCount = r.u32("clockInfo.resetCount");
  const restartCount = r.u32("clockInfo.restartCount");
  const safeByte = r.u8("clockInfo.safe");
  if (safeByte > 1) throw new TpmFormatError(`TPMS_ATTEST: clockInfo.safe is ${safeByte}, not YES/NO`);
  const firmwareVersion = r.u64("firmwareVersion");
  const attest: TpmsAttest = {
    magic,
    type,
    qualifiedSigner,
    extraData,
    clockInfo: { clock, resetCount, restartCount, safe: safeByte === 1 },
    firmwareVersion,
  };
  if (type === TPM_ST_ATTEST_QUOTE) {
    const pcrSelect = readPcrSelectionList(r);
    const pcrDigest = Uint8Array.from(r.tpm2b("pcrDigest", MAX_DIGEST));
    r.end();
    attest.quote = { pcrSelect, pcrDigest };
  }
  return attest;
}
