/**
 * Trustee's `tpm` evidence (guest-components attester/src/tpm, verified by trustee deps/verifier/src/tpm/mod.rs):
 * `{"ak_public": "<base64 DER SPKI>", "tpm_quote": {"message": "<base64 TPMS_ATTEST>",
 *   "signature": "<base64 TPMT_SIGNATURE>", "pcrs": ["<hex SHA-256 PCR0>", … ×24]}}`.
 * Claims are Trustee's: init_data (hex PCR8), report_data (hex nonce), ak_public, pcr00…pcr23.
 */
import { fromBase64, fromHex, toHex, InvalidInputError } from "@cocoon/core";
import { CheckLog, type VerifyOptions, type VerifyResult, type Claims } from "../types.ts";
import { TpmFormatError } from "./errors.ts";
import { TPM_ALG } from "./constants.ts";
import { pcrBank } from "./pcr.ts";
import { checkTpmQuote } from "./verify-quote.ts";
import { loadAkPublicKey } from "./public-key.ts";

export interface TrusteeTpmEvidence {
  /** As sent: base64 DER SubjectPublicKeyInfo (Trustee's policy compares this string with trusted AKs). */
  akPublic: string;
  message: Uint8Array;
  signature: Uint8Array;
  /** SHA-256 bank values by PCR index. */
  pcrs: Uint8Array[];
}

/** PCR 8 carries the init-data digest (trustee tpm/mod.rs INITDATA_PCR). */
export const TPM_INITDATA_PCR = 8;

function field(obj: Record<string, unknown>, name: string, where: string): unknown {
  if (!(name in obj)) throw new TpmFormatError(`${where}: missing "${name}"`);
  return obj[name];
}

function str(value: unknown, what: string): string {
  if (typeof value !== "string") throw new TpmFormatError(`${what} must be a string`);
  return value;
}

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof InvalidInputError) throw new TpmFormatError(`${what}: ${error.message}`);
    throw error;
  }
}

/** Decodes Trustee TPM evidence JSON (already parsed). Throws TpmFormatError when it is not that shape. */
export function parseTrusteeTpmEvidence(json: unknown): TrusteeTpmEvidence {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new TpmFormatError("TPM evidence must be a JSON object");
  }
  const obj = json as Record<string, unknown>;
  const akPublic = str(field(obj, "ak_public", "TPM evidence"), "ak_public");
  const quote = field(obj, "tpm_quote", "TPM evidence");
  if (typeof quote !== "object" || quote === null || Array.isArray(quote)) {
    throw new TpmFormatError("tpm_quote must be an object");
  }
  const q = quote as Record<string, unknown>;
  const message = wrap("tpm_quote.message", () =>
    fromBase64(str(field(q, "message", "tpm_quote"), "message")),
  );
  const signature = wrap("tpm_quote.signature", () =>
    fromBase64(str(field(q, "signature", "tpm_quote"), "signature")),
  );
  const pcrList = field(q, "pcrs", "tpm_quote");
  if (!Array.isArray(pcrList)) throw new TpmFormatError("tpm_quote.pcrs must be an array of hex strings");
  const pcrs = pcrList.map((value, i) => {
    const bytes = wrap(`tpm_quote.pcrs[${i}]`, () => fromHex(str(value, `tpm_quote.pcrs[${i}]`)));
    // Trustee accepts exactly 32-byte (SHA-256) values (tpm/mod.rs parse_pcr_values).
    if (bytes.length !== 32)
      throw new TpmFormatError(`tpm_quote.pcrs[${i}] is ${bytes.length} bytes, expected 32`);
    return new Uint8Array(bytes);
  });
  return { akPublic, message: new Uint8Array(message), signature: new Uint8Array(signature), pcrs };
}

function sameKey(a: ReturnType<typeof loadAkPublicKey>, b: ReturnType<typeof loadAkPublicKey>): boolean {
  return a.export({ format: "der", type: "spki" }).equals(b.export({ format: "der", type: "spki" }));
}

/**
 * Verifies Trustee TPM evidence. The AK comes with the evidence, as in Trustee, whose policy then checks
 * `input.tpm.ak_public` against trusted AKs; when `options.certificates` holds AK public keys (PEM, DER, TPM2B),
 * the AK must be one of them (check "tpm.ak.trusted").
 */
export function verifyTrusteeTpmEvidence(
  evidence: TrusteeTpmEvidence,
  options: VerifyOptions = {},
): VerifyResult {
  const log = new CheckLog();
  const pcrs = pcrBank(TPM_ALG.SHA256, evidence.pcrs);
  const checked = checkTpmQuote(
    { message: evidence.message, signature: evidence.signature, pcrs },
    {
      akPublicKey: evidence.akPublic,
      ...(options.expectedReportData === undefined ? {} : { expectedNonce: options.expectedReportData }),
      allowZeroPaddedNonce: true,
    },
    log,
  );
  if (options.certificates !== undefined && options.certificates.length > 0) {
    try {
      const ak = loadAkPublicKey(evidence.akPublic);
      const trusted = options.certificates.some((c) => {
        try {
          return sameKey(ak, loadAkPublicKey(c));
        } catch {
          return false;
        }
      });
      log.expect("tpm.ak.trusted", trusted, "an AK among the trusted keys given", "an AK not among them");
    } catch (error) {
      log.fail("tpm.ak.trusted", "an AK among the trusted keys given", (error as Error).message);
    }
  } else {
    log.pass("tpm.ak.trusted", "no trusted AKs given: the policy must check the ak_public claim");
  }
  const claims: Claims = {};
  const pcr8 = evidence.pcrs[TPM_INITDATA_PCR];
  if (pcr8 !== undefined) claims["init_data"] = toHex(pcr8);
  if (checked.attest !== undefined) claims["report_data"] = toHex(checked.attest.extraData);
  claims["ak_public"] = evidence.akPublic;
  evidence.pcrs.forEach((value, i) => {
    claims[`pcr${String(i).padStart(2, "0")}`] = toHex(value);
  });
  return { tee: "tpm", valid: log.failures.length === 0, claims, checks: log.checks, failures: log.failures };
}
