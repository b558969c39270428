/**
 * Verifies a TPM 2.0 quote: the TPMS_ATTEST is well formed and TPM-generated, its signature verifies with the
 * attestation key, extraData equals the verifier's nonce, and the PCR digest equals the digest recomputed from
 * the supplied PCR values in selection order. Never throws on bad evidence: every problem is a named check.
 */
import { verify as cryptoVerify, constants, type KeyObject } from "node:crypto";
import { toHex } from "@cocoon/core";
import { CheckLog, type VerifyResult, type Claims } from "../types.ts";
import { parseTpmsAttest, type TpmsAttest } from "./attest.ts";
import { parseTpmtSignature, type TpmSignature } from "./signature.ts";
import { akPublicArea, loadAkPublicKey, TPMA_OBJECT, type AkPublicKeyInput } from "./public-key.ts";
import { computePcrDigest, unquotedPcrs, type PcrValues } from "./pcr.ts";
import { TPM_ALG, TPM_GENERATED_VALUE, TPM_HASHES, TPM_ST_ATTEST_QUOTE, algName } from "./constants.ts";

export interface TpmQuote {
  /** The marshalled TPMS_ATTEST that was signed. */
  message: Uint8Array;
  /** A marshalled TPMT_SIGNATURE, or an already decoded one. */
  signature: Uint8Array | TpmSignature;
  /** PCR values to check against the quote's digest; without them the digest cannot be checked (a failure). */
  pcrs?: PcrValues;
}

export interface TpmQuoteCheckOptions {
  akPublicKey: AkPublicKeyInput;
  /** The nonce the verifier issued; compared with extraData. Without it freshness is not checked (recorded). */
  expectedNonce?: Uint8Array;
  /**
   * Accept extraData = expected nonce followed by zero bytes: Trustee's TPM attester zero-pads report data
   * (trustee deps/verifier/src/tpm/mod.rs `verify_nonce`; its vector carries a 48-byte nonce padded to 64).
   * Azure vTPM quotes carry the nonce unpadded and are compared exactly (az_snp_vtpm `verify_tpm_nonce`).
   */
  allowZeroPaddedNonce?: boolean;
  /** Prefix of the check names (default "tpm"). */
  prefix?: string;
}

export interface CheckedTpmQuote {
  attest?: TpmsAttest;
  signature?: TpmSignature;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function verifySignatureWith(
  key: KeyObject,
  sig: TpmSignature,
  message: Uint8Array,
): { ok: boolean; why: string } {
  const hash = TPM_HASHES.get(sig.hashAlg);
  if (hash === undefined) return { ok: false, why: `unsupported signature hash ${algName(sig.hashAlg)}` };
  const keyType = key.asymmetricKeyType;
  try {
    if (sig.sigAlg === TPM_ALG.ECDSA) {
      if (keyType !== "ec") return { ok: false, why: `ECDSA signature but the AK is ${keyType}` };
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const size = curve === "prime256v1" ? 32 : curve === "secp384r1" ? 48 : curve === "secp521r1" ? 66 : 0;
      if (size === 0) return { ok: false, why: `unsupported AK curve ${curve}` };
      if (sig.r.length > size || sig.s.length > size)
        return { ok: false, why: "ECDSA r or s longer than the curve" };
      const raw = new Uint8Array(2 * size);
      raw.set(sig.r, size - sig.r.length);
      raw.set(sig.s, 2 * size - sig.s.length);
      const ok = cryptoVerify(hash.name, message, { key, dsaEncoding: "ieee-p1363" }, raw);
      return { ok, why: ok ? "" : "ECDSA signature does not verify with the AK" };
    }
    if (keyType !== "rsa")
      return { ok: false, why: `${algName(sig.sigAlg)} signature but the AK is ${keyType}` };
    const padding =
      sig.sigAlg === TPM_ALG.RSAPSS ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
    // TPMs use a salt as long as the digest (TPM 2.0 Part 1 §B.7) or the maximum (older firmware); the salt
    // length carries no security weight for verification, so accept whichever the TPM used.
    const options =
      sig.sigAlg === TPM_ALG.RSAPSS
        ? { key, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO }
        : { key, padding };
    const ok = cryptoVerify(hash.name, message, options, sig.signature);
    return { ok, why: ok ? "" : `${algName(sig.sigAlg)} signature does not verify with the AK` };
  } catch (error) {
    return { ok: false, why: `signature rejected by the crypto library: ${errorText(error)}` };
  }
}

/** extraData equals the expected nonce, or (when allowed) the expected nonce followed only by zero bytes. */
export function nonceMatches(extraData: Uint8Array, expected: Uint8Array, allowZeroPadding = false): boolean {
  if (extraData.length === expected.length) return Buffer.from(extraData).equals(Buffer.from(expected));
  if (!allowZeroPadding || expected.length > extraData.length) return false;
  const head = extraData.subarray(0, expected.length);
  return (
    Buffer.from(head).equals(Buffer.from(expected)) &&
    extraData.subarray(expected.length).every((b) => b === 0)
  );
}

/** Runs every quote check into `log`; returns what could be decoded so callers can build claims. */
export function checkTpmQuote(
  quote: TpmQuote,
  options: TpmQuoteCheckOptions,
  log: CheckLog,
): CheckedTpmQuote {
  const p = options.prefix ?? "tpm";
  const out: CheckedTpmQuote = {};

  try {
    out.attest = parseTpmsAttest(quote.message);
    log.pass(`${p}.quote.format`);
  } catch (error) {
    log.fail(`${p}.quote.format`, "a well-formed TPMS_ATTEST", errorText(error));
  }
  const attest = out.attest;
  if (attest !== undefined) {
    log.expect(
      `${p}.quote.magic`,
      attest.magic === TPM_GENERATED_VALUE,
      "0xff544347 (TPM_GENERATED_VALUE)",
      `0x${attest.magic.toString(16)}`,
    );
    log.expect(
      `${p}.quote.type`,
      attest.type === TPM_ST_ATTEST_QUOTE,
      "0x8018 (TPM_ST_ATTEST_QUOTE)",
      `0x${attest.type.toString(16)}`,
    );
  }

  try {
    out.signature =
      quote.signature instanceof Uint8Array ? parseTpmtSignature(quote.signature) : quote.signature;
    log.pass(`${p}.signature.format`);
  } catch (error) {
    log.fail(
      `${p}.signature.format`,
      "a well-formed TPMT_SIGNATURE (RSASSA, RSAPSS or ECDSA)",
      errorText(error),
    );
  }

  let key: KeyObject | undefined;
  try {
    key = loadAkPublicKey(options.akPublicKey);
    log.pass(`${p}.ak.key`);
  } catch (error) {
    log.fail(`${p}.ak.key`, "a readable attestation key public key", errorText(error));
  }
  // A quote proves TPM origin only when the AK is a restricted signing key: the TPM refuses to sign external data
  // that starts with TPM_GENERATED_VALUE with a restricted key (TPM 2.0 Part 1 §25.2.2), so an unrestricted key
  // could "quote" anything. Only the TPM's own public-area form carries the attributes to check this.
  const area = key === undefined ? undefined : akPublicArea(options.akPublicKey);
  if (area !== undefined) {
    const required = TPMA_OBJECT.restricted | TPMA_OBJECT.sign | TPMA_OBJECT.fixedTPM;
    log.expect(
      `${p}.ak.attributes`,
      (area.objectAttributes & required) === required && (area.objectAttributes & TPMA_OBJECT.decrypt) === 0,
      "a restricted, fixedTPM signing key (not decrypt)",
      `objectAttributes 0x${area.objectAttributes.toString(16).padStart(8, "0")}`,
    );
  }

  if (key !== undefined && out.signature !== undefined) {
    const result = verifySignatureWith(key, out.signature, quote.message);
    if (result.ok)
      log.pass(`${p}.signature`, `${algName(out.signature.sigAlg)}/${algName(out.signature.hashAlg)}`);
    else log.fail(`${p}.signature`, "a quote signature made by the attestation key", result.why);
  } else {
    log.fail(
      `${p}.signature`,
      "a quote signature made by the attestation key",
      "not checked: signature or AK unreadable",
    );
  }

  if (attest !== undefined) {
    if (options.expectedNonce === undefined) {
      log.pass(`${p}.nonce`, "no expected nonce given: freshness not checked");
    } else {
      log.expect(
        `${p}.nonce`,
        nonceMatches(attest.extraData, options.expectedNonce, options.allowZeroPaddedNonce === true),
        toHex(options.expectedNonce),
        toHex(attest.extraData),
      );
    }
  }

  if (attest?.quote !== undefined) {
    const info = attest.quote;
    if (quote.pcrs === undefined) {
      log.fail(`${p}.pcr_digest`, "PCR values to recompute the quote's PCR digest", "none supplied");
    } else {
      // The digest uses the signing scheme's hash (TPM 2.0 Part 3 §18.4); without a decoded signature, infer it
      // from the digest's size.
      const hashAlg =
        out.signature?.hashAlg ??
        [...TPM_HASHES].find(([, h]) => h.size === info.pcrDigest.length)?.[0] ??
        TPM_ALG.SHA256;
      const computed = computePcrDigest(info.pcrSelect, quote.pcrs, hashAlg);
      if (!computed.ok) {
        log.fail(`${p}.pcr_digest`, toHex(info.pcrDigest), computed.detail);
      } else {
        log.expect(
          `${p}.pcr_digest`,
          Buffer.from(computed.digest).equals(Buffer.from(info.pcrDigest)),
          toHex(info.pcrDigest),
          toHex(computed.digest),
        );
      }
      const extra = unquotedPcrs(info.pcrSelect, quote.pcrs);
      log.expect(
        `${p}.pcrs.quoted`,
        extra.length === 0,
        "only PCRs the quote selects",
        `unquoted: ${extra.join(", ")}`,
      );
    }
  }
  return out;
}

/** Claims of a generic TPM quote: the nonce, the clock and firmware, and each quoted PCR value. */
export function tpmQuoteClaims(attest: TpmsAttest | undefined, pcrs: PcrValues | undefined): Claims {
  const claims: Claims = {};
  if (attest === undefined) return claims;
  claims["report_data"] = toHex(attest.extraData);
  claims["clock"] = attest.clockInfo.clock.toString();
  claims["reset_count"] = attest.clockInfo.resetCount;
  claims["restart_count"] = attest.clockInfo.restartCount;
  claims["safe"] = attest.clockInfo.safe;
  claims["firmware_version"] = `0x${attest.firmwareVersion.toString(16).padStart(16, "0")}`;
  if (attest.quote !== undefined && pcrs !== undefined) {
    for (const bank of attest.quote.pcrSelect) {
      const values = pcrs.get(bank.hashAlg);
      for (const index of bank.pcrs) {
        const value = values?.get(index);
        if (value !== undefined)
          claims[`${algName(bank.hashAlg)}_pcr${String(index).padStart(2, "0")}`] = toHex(value);
      }
    }
  }
  return claims;
}

/** Verifies one quote on its own (tee "tpm"). */
export function verifyTpmQuote(quote: TpmQuote, options: TpmQuoteCheckOptions): VerifyResult {
  const log = new CheckLog();
  const checked = checkTpmQuote(quote, options, log);
  return {
    tee: "tpm",
    valid: log.failures.length === 0,
    claims: tpmQuoteClaims(checked.attest, quote.pcrs),
    checks: log.checks,
    failures: log.failures,
  };
}
