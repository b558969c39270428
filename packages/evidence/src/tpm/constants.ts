/**
 * TPM 2.0 constants used by quotes, signatures and public areas. Values from TCG "TPM 2.0 Library, Part 2:
 * Structures" (rev 1.59): §6.2 TPM_GENERATED, §6.3 TPM_ALG_ID, §6.4 TPM_ECC_CURVE, §6.9 TPM_ST.
 */

/** TPM_GENERATED_VALUE (Part 2 §6.2): every TPMS_ATTEST made by a TPM starts with 0xff 'T' 'C' 'G'. */
export const TPM_GENERATED_VALUE = 0xff544347;

/** TPM_ST_ATTEST_QUOTE (Part 2 §6.9): the attestation structure type of TPM2_Quote. */
export const TPM_ST_ATTEST_QUOTE = 0x8018;

/** TPM_ALG_ID values (Part 2 §6.3). */
export const TPM_ALG = {
  RSA: 0x0001,
  SHA1: 0x0004,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  NULL: 0x0010,
  SM3_256: 0x0012,
  RSASSA: 0x0014,
  RSAPSS: 0x0016,
  ECDSA: 0x0018,
  ECC: 0x0023,
  SYMCIPHER: 0x0025,
  KEYEDHASH: 0x0008,
} as const;

/** Hash algorithms a verifier can compute, with their node:crypto name and digest size. */
export const TPM_HASHES: ReadonlyMap<
  number,
  { name: "sha1" | "sha256" | "sha384" | "sha512"; size: number }
> = new Map([
  [TPM_ALG.SHA1, { name: "sha1", size: 20 }],
  [TPM_ALG.SHA256, { name: "sha256", size: 32 }],
  [TPM_ALG.SHA384, { name: "sha384", size: 48 }],
  [TPM_ALG.SHA512, { name: "sha512", size: 64 }],
]);

/** TPM_ECC_CURVE values (Part 2 §6.4) mapped to JWK curve names and coordinate sizes. */
export const TPM_ECC_CURVES: ReadonlyMap<number, { crv: "P-256" | "P-384" | "P-521"; size: number }> =
  new Map([
    [0x0003, { crv: "P-256", size: 32 }],
    [0x0004, { crv: "P-384", size: 48 }],
    [0x0005, { crv: "P-521", size: 66 }],
  ]);

/** A readable name for an algorithm id, for messages and claims. */
export function algName(alg: number): string {
  for (const [name, value] of Object.entries(TPM_ALG)) if (value === alg) return name.toLowerCase();
  return `0x${alg.toString(16).padStart(4, "0")}`;
}
