/**
 * One entry point for every evidence format Cocoon verifies: `detectTee` recognises the format from its bytes,
 * `verifyEvidence` dispatches to the TEE's verifier. Input that cannot be read as any evidence is a typed error
 * (CocoonError; the CLI exits 2); evidence that is readable but wrong is a VerifyResult with failures (exit 1).
 *
 * Recognised inputs:
 *   snp          raw 1184-byte ATTESTATION_REPORT (u32 version 2..5) | Trustee SNP JSON {"attestation_report",…}
 *   tdx / sgx    raw DCAP quote (u16 version 3/4/5, att key type 2, tee_type 0x81 / 0) | Trustee JSON {"quote":b64}
 *   az-snp-vtpm  Trustee JSON {"version"?,"tpm_quote"|"quote","hcl_report"|"report","vcek"}
 *   az-tdx-vtpm  Trustee JSON {"version"?,"tpm_quote","hcl_report","td_quote"}
 *   tpm          Trustee JSON {"ak_public","tpm_quote"}
 *   sample       Trustee JSON {"svn","report_data"?}
 */
import { applyTdxEventLog } from "./eventlog/apply.ts";
import { CocoonError, fromBase64, InvalidInputError } from "@cocoon/core";
import type { TeeType, VerifyOptions, VerifyResult } from "./types.ts";
import { verifySnp, type SnpVerifyOptions } from "./snp/verify.ts";
import { verifySnpEvidenceJson } from "./snp/evidence-json.ts";
import { SNP_REPORT_SIZE } from "./snp/report.ts";
import { verifyTdx, verifySgx, type DcapVerifyOptions } from "./dcap/verify.ts";
import { verifyAzSnpVtpm, type AzSnpVerifyOptions } from "./azure/az-snp.ts";
import { verifyAzTdxVtpm, type AzTdxVerifyOptions } from "./azure/az-tdx.ts";
import { parseTrusteeTpmEvidence, verifyTrusteeTpmEvidence } from "./tpm/trustee-evidence.ts";
import { parseSampleEvidence, verifySampleEvidence, type SampleVerifyOptions } from "./sample/sample.ts";

/** Input that is not evidence Cocoon can read (unknown format, or not the format the caller named). */
export class EvidenceFormatError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_EVIDENCE_FORMAT", message, { details });
    this.name = "EvidenceFormatError";
  }
}

export const TEE_TYPES: readonly TeeType[] = [
  "snp",
  "tdx",
  "sgx",
  "az-snp-vtpm",
  "az-tdx-vtpm",
  "tpm",
  "sample",
];

export function isTeeType(value: string): value is TeeType {
  return (TEE_TYPES as readonly string[]).includes(value);
}

/** Every option any verifier takes; each verifier reads the ones it knows. */
export type EvidenceVerifyOptions = VerifyOptions &
  Omit<SnpVerifyOptions, keyof VerifyOptions> &
  Omit<DcapVerifyOptions, keyof VerifyOptions> & {
    expectedInitDataHash?: Uint8Array;
  };

export interface VerifyEvidenceOptions extends EvidenceVerifyOptions {
  /** The TEE the evidence is from; detected from the bytes when absent. */
  tee?: TeeType;
}

type Json = Record<string, unknown>;

/** DCAP quote header: u16 version, u16 attestation key type (2 = ECDSA P-256), u32 TEE type (research §4.1). */
function dcapTee(bytes: Uint8Array): "tdx" | "sgx" | undefined {
  if (bytes.length < 48) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(0, true);
  const attKeyType = view.getUint16(2, true);
  const teeType = view.getUint32(4, true);
  if (attKeyType !== 2) return undefined;
  if (version === 3 && teeType === 0) return "sgx";
  if ((version === 4 || version === 5) && teeType === 0x81) return "tdx";
  if ((version === 4 || version === 5) && teeType === 0) return "sgx";
  return undefined;
}

/** A raw SNP report: exactly 1184 bytes with a supported version (research §1.1). */
function looksLikeSnpReport(bytes: Uint8Array): boolean {
  if (bytes.length !== SNP_REPORT_SIZE) return false;
  const version = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  return version >= 2 && version <= 5;
}

function parseJsonObject(bytes: Uint8Array): Json | undefined {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] !== 0x7b) return undefined; // "{"
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new EvidenceFormatError("evidence starts like JSON but is not valid UTF-8");
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch (error) {
    throw new EvidenceFormatError(
      `evidence starts like JSON but does not parse: ${(error as Error).message}`,
    );
  }
}

function detectJson(json: Json): TeeType | undefined {
  const has = (k: string) => k in json;
  if (has("attestation_report")) return "snp";
  if (has("hcl_report") && has("td_quote")) return "az-tdx-vtpm";
  if ((has("hcl_report") && has("vcek")) || (has("quote") && has("report") && has("vcek")))
    return "az-snp-vtpm";
  if (has("ak_public") && has("tpm_quote")) return "tpm";
  if (typeof json["quote"] === "string") {
    try {
      return dcapTee(fromBase64(json["quote"] as string, "quote"));
    } catch {
      return undefined;
    }
  }
  if (typeof json["svn"] === "string") return "sample";
  return undefined;
}

/**
 * The TEE a piece of evidence comes from, recognised from its bytes. Throws EvidenceFormatError when it is no
 * format Cocoon verifies.
 */
export function detectTee(bytes: Uint8Array): TeeType {
  const json = parseJsonObject(bytes);
  if (json !== undefined) {
    const tee = detectJson(json);
    if (tee === undefined) {
      throw new EvidenceFormatError(
        `unrecognised evidence JSON (keys: ${Object.keys(json).slice(0, 8).join(", ") || "none"})`,
      );
    }
    return tee;
  }
  if (looksLikeSnpReport(bytes)) return "snp";
  const dcap = dcapTee(bytes);
  if (dcap !== undefined) return dcap;
  const head = Buffer.from(bytes.subarray(0, 4));
  if (head.toString("latin1") === "HCLA") {
    throw new EvidenceFormatError(
      "an Azure HCL report alone is not complete evidence: give the Trustee az-snp-vtpm / az-tdx-vtpm JSON",
    );
  }
  if (head.length === 4 && head.readUInt32BE(0) === 0xff544347) {
    throw new EvidenceFormatError(
      "a bare TPMS_ATTEST is not complete evidence: give Trustee TPM evidence JSON",
    );
  }
  throw new EvidenceFormatError(
    `unrecognised evidence (${bytes.length} bytes, not JSON, SNP report or DCAP quote)`,
  );
}

function dcapBytes(bytes: Uint8Array, tee: "tdx" | "sgx"): Uint8Array {
  const json = parseJsonObject(bytes);
  if (json === undefined) return bytes;
  if (typeof json["quote"] !== "string")
    throw new EvidenceFormatError(`${tee} evidence JSON has no base64 "quote"`);
  try {
    return new Uint8Array(fromBase64(json["quote"], "quote"));
  } catch (error) {
    if (error instanceof InvalidInputError)
      throw new EvidenceFormatError(`${tee} evidence: ${error.message}`);
    throw error;
  }
}

function requireJson(bytes: Uint8Array, tee: TeeType): Json {
  const json = parseJsonObject(bytes);
  if (json === undefined) throw new EvidenceFormatError(`${tee} evidence must be a JSON object`);
  return json;
}

/**
 * Verifies evidence of any supported TEE (detected when `options.tee` is absent). Throws a CocoonError when the
 * input cannot be read; otherwise returns the verifier's result, failures included.
 */
export function verifyEvidence(bytes: Uint8Array, options: VerifyEvidenceOptions = {}): VerifyResult {
  const { tee: named, ...verifyOptions } = options;
  const tee = named ?? detectTee(bytes);
  switch (tee) {
    case "snp": {
      const json = parseJsonObject(bytes);
      if (json !== undefined) return verifySnpEvidenceJson(new TextDecoder().decode(bytes), verifyOptions);
      return verifySnp(bytes, verifyOptions);
    }
    case "tdx": {
      const result = verifyTdx(dcapBytes(bytes, "tdx"), verifyOptions as DcapVerifyOptions);
      // Trustee's TDX evidence JSON carries the CC event log: replay it against RTMR0..3 and expose
      // `uefi_event_logs` as Trustee's verifier does (deps/verifier/src/tdx/mod.rs).
      const json = parseJsonObject(bytes);
      return json === undefined ? result : applyTdxEventLog(result, json["cc_eventlog"]);
    }
    case "sgx":
      return verifySgx(dcapBytes(bytes, "sgx"), verifyOptions as DcapVerifyOptions);
    case "az-snp-vtpm":
      return verifyAzSnpVtpm(requireJson(bytes, tee), verifyOptions as AzSnpVerifyOptions);
    case "az-tdx-vtpm":
      return verifyAzTdxVtpm(requireJson(bytes, tee), verifyOptions as AzTdxVerifyOptions);
    case "tpm":
      return verifyTrusteeTpmEvidence(parseTrusteeTpmEvidence(requireJson(bytes, tee)), verifyOptions);
    case "sample":
      return verifySampleEvidence(
        parseSampleEvidence(requireJson(bytes, tee)),
        verifyOptions as SampleVerifyOptions,
      );
    default:
      throw new EvidenceFormatError(`unknown TEE type "${String(tee)}"`);
  }
}
