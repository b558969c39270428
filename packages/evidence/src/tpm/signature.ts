/**
 * TPMT_SIGNATURE (TPM 2.0 Part 2 §11.3.4): sigAlg u16, then for RSASSA / RSAPSS a TPMS_SIGNATURE_RSA
 * (hash u16, TPM2B_PUBLIC_KEY_RSA sig) and for ECDSA a TPMS_SIGNATURE_ECC (hash u16, TPM2B r, TPM2B s).
 * Other schemes (SM2, ECSCHNORR, HMAC, ECDAA) are not signatures a quote verifier accepts.
 */
import { TpmReader } from "./reader.ts";
import { TpmFormatError } from "./errors.ts";
import { TPM_ALG, algName } from "./constants.ts";

export type TpmSignature =
  | { sigAlg: typeof TPM_ALG.RSASSA | typeof TPM_ALG.RSAPSS; hashAlg: number; signature: Uint8Array }
  | { sigAlg: typeof TPM_ALG.ECDSA; hashAlg: number; r: Uint8Array; s: Uint8Array };

/** MAX_RSA_KEY_BYTES for RSA-4096 (Part 2 §11.2.4.5), MAX_ECC_KEY_BYTES for P-521 (§11.2.5.1). */
const MAX_RSA_SIG = 512;
const MAX_ECC_PARAM = 66;

export function parseTpmtSignature(bytes: Uint8Array): TpmSignature {
  const r = new TpmReader(bytes, "TPMT_SIGNATURE");
  const sigAlg = r.u16("sigAlg");
  let out: TpmSignature;
  if (sigAlg === TPM_ALG.RSASSA || sigAlg === TPM_ALG.RSAPSS) {
    const hashAlg = r.u16("hash");
    out = { sigAlg, hashAlg, signature: Uint8Array.from(r.tpm2b("sig", MAX_RSA_SIG)) };
  } else if (sigAlg === TPM_ALG.ECDSA) {
    const hashAlg = r.u16("hash");
    const rr = Uint8Array.from(r.tpm2b("signatureR", MAX_ECC_PARAM));
    const s = Uint8Array.from(r.tpm2b("signatureS", MAX_ECC_PARAM));
    out = { sigAlg, hashAlg, r: rr, s };
  } else {
    throw new TpmFormatError(`TPMT_SIGNATURE: unsupported signature algorithm ${algName(sigAlg)}`, {
      sigAlg,
    });
  }
  r.end();
  return out;
}

/** Azure's vTPM evidence carries only the raw RSASSA-PKCS1-v1_5 signature bytes over SHA-256 (Trustee az_snp_vtpm). */
export function rawRsassaSha256(signature: Uint8Array): TpmSignature {
  return { sigAlg: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256, signature };
}
