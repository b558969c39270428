/**
 * Trustee's Azure vTPM evidence JSON (deps/verifier/src/az_snp_vtpm/compat.rs, az_tdx_vtpm/compat.rs @78962cd):
 *
 *   v0 (legacy, no version):  az-snp {"quote":{signature,message,pcrs},"report":[u8],"vcek":"<PEM>"}
 *                             az-tdx {"tpm_quote":{signature,message,pcrs},"hcl_report":[u8],"td_quote":[u8]}
 *                             (byte strings as JSON arrays of numbers, pcrs as arrays of 32 numbers)
 *   v1 / v2:                  {"version":1|2,"tpm_quote":{"signature":hex,"message":hex,"pcrs":[hex…]},
 *                              "hcl_report":b64url, "vcek":b64url DER | "td_quote":b64url}
 *
 * v2 is v1 plus the guarantee that the HCL var-data "user-data" carries the verifier's report data.
 */
import { fromBase64Url, fromHex, InvalidInputError } from "@cocoon/core";
import { AzureFormatError } from "./errors.ts";

export type AzureEvidenceVersion = 0 | 1 | 2;

export interface AzureTpmQuote {
  /** Raw RSASSA-PKCS1-v1_5 signature bytes (not a TPMT_SIGNATURE). */
  signature: Uint8Array;
  /** Marshalled TPMS_ATTEST. */
  message: Uint8Array;
  /** SHA-256 bank values by PCR index. */
  pcrs: Uint8Array[];
}

export interface AzSnpVtpmEvidence {
  version: AzureEvidenceVersion;
  tpmQuote: AzureTpmQuote;
  hclReport: Uint8Array;
  /** The VCEK: PEM text (v0) or DER (v1/v2). */
  vcek: Uint8Array;
}

export interface AzTdxVtpmEvidence {
  version: AzureEvidenceVersion;
  tpmQuote: AzureTpmQuote;
  hclReport: Uint8Array;
  tdQuote: Uint8Array;
}

type Obj = Record<string, unknown>;

function asObject(value: unknown, what: string): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AzureFormatError(`${what} must be a JSON object`);
  }
  return value as Obj;
}

function get(obj: Obj, key: string, what: string): unknown {
  if (!(key in obj)) throw new AzureFormatError(`${what}: missing "${key}"`);
  return obj[key];
}

/** A JSON array of integers 0..255 (serde's Vec<u8>). */
function byteArray(value: unknown, what: string): Uint8Array {
  if (!Array.isArray(value)) throw new AzureFormatError(`${what} must be an array of bytes`);
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const b = value[i];
    if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b > 255) {
      throw new AzureFormatError(`${what}[${i}] is not a byte (0..255)`);
    }
    out[i] = b;
  }
  return out;
}

function decoded(what: string, fn: () => Uint8Array): Uint8Array {
  try {
    return new Uint8Array(fn());
  } catch (error) {
    if (error instanceof InvalidInputError) throw new AzureFormatError(`${what}: ${error.message}`);
    throw error;
  }
}

function hexField(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string") throw new AzureFormatError(`${what} must be a hex string`);
  return decoded(what, () => fromHex(value, what));
}

function b64urlField(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string") throw new AzureFormatError(`${what} must be a base64url string`);
  return decoded(what, () => fromBase64Url(value, what));
}

/** SHA-256 PCR values are 32 bytes (Trustee get_pcrs: "Invalid PCR length, expected 32 bytes"). */
function checkPcrs(pcrs: Uint8Array[], what: string): Uint8Array[] {
  pcrs.forEach((pcr, i) => {
    if (pcr.length !== 32) throw new AzureFormatError(`${what}[${i}] is ${pcr.length} bytes, expected 32`);
  });
  return pcrs;
}

/**
 * The TPM quote object, the same three members in every version; only how each byte string is written differs
 * (v0 JSON arrays of numbers, v1/v2 hex strings), so the decoder of one byte string is passed in.
 */
function tpmQuote(
  value: unknown,
  what: string,
  bytes: (value: unknown, what: string) => Uint8Array,
): AzureTpmQuote {
  const q = asObject(value, what);
  const pcrs = get(q, "pcrs", what);
  if (!Array.isArray(pcrs)) throw new AzureFormatError(`${what}.pcrs must be an array`);
  return {
    signature: bytes(get(q, "signature", what), `${what}.signature`),
    message: bytes(get(q, "message", what), `${what}.message`),
    pcrs: checkPcrs(
      pcrs.map((p, i) => bytes(p, `${what}.pcrs[${i}]`)),
      `${what}.pcrs`,
    ),
  };
}

function versionOf(obj: Obj, what: string): AzureEvidenceVersion {
  if (!("version" in obj)) return 0;
  const v = obj["version"];
  if (v !== 1 && v !== 2)
    throw new AzureFormatError(`${what}: unsupported version ${JSON.stringify(v)} (1 or 2)`);
  return v;
}

export function parseAzSnpVtpmEvidence(json: unknown): AzSnpVtpmEvidence {
  const what = "az-snp-vtpm evidence";
  const obj = asObject(json, what);
  const version = versionOf(obj, what);
  if (version === 0) {
    const vcek = get(obj, "vcek", what);
    if (typeof vcek !== "string") throw new AzureFormatError(`${what}: vcek must be a PEM string`);
    return {
      version,
      tpmQuote: tpmQuote(get(obj, "quote", what), "quote", byteArray),
      hclReport: byteArray(get(obj, "report", what), "report"),
      vcek: new TextEncoder().encode(vcek),
    };
  }
  return {
    version,
    tpmQuote: tpmQuote(get(obj, "tpm_quote", what), "tpm_quote", hexField),
    hclReport: b64urlField(get(obj, "hcl_report", what), "hcl_report"),
    vcek: b64urlField(get(obj, "vcek", what), "vcek"),
  };
}

export function parseAzTdxVtpmEvidence(json: unknown): AzTdxVtpmEvidence {
  const what = "az-tdx-vtpm evidence";
  const obj = asObject(json, what);
  const version = versionOf(obj, what);
  if (version === 0) {
    return {
      version,
      tpmQuote: tpmQuote(get(obj, "tpm_quote", what), "tpm_quote", byteArray),
      hclReport: byteArray(get(obj, "hcl_report", what), "hcl_report"),
      tdQuote: byteArray(get(obj, "td_quote", what), "td_quote"),
    };
  }
  return {
    version,
    tpmQuote: tpmQuote(get(obj, "tpm_quote", what), "tpm_quote", hexField),
    hclReport: b64urlField(get(obj, "hcl_report", what), "hcl_report"),
    tdQuote: b64urlField(get(obj, "td_quote", what), "td_quote"),
  };
}

/** Evidence given as text or bytes is parsed as JSON; anything else is taken as already-parsed JSON. */
export function jsonOf(evidence: string | Uint8Array | unknown): unknown {
  if (typeof evidence !== "string" && !(evidence instanceof Uint8Array)) return evidence;
  const text = typeof evidence === "string" ? evidence : new TextDecoder().decode(evidence);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AzureFormatError(
      `evidence is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
