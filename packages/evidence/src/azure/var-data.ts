/**
 * The HCL variable data ("runtime data") JSON: `{"keys":[{"kid":"HCLAkPub",…RSA JWK},{"kid":"HCLEkPub",…}],
 * "vm-configuration":{…}, "user-data":"<hex>"}` (research/evidence.md §5.2). HCLAkPub is the vTPM attestation
 * key that signs the TPM quote; hashing this JSON into the hardware REPORT_DATA is what binds it to the TEE.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { AzureFormatError } from "./errors.ts";

/** Key ids in the var-data JWKS (azure-cvm-tooling hcl/mod.rs HCL_AKPUB_KEY_ID). */
export const HCL_AK_PUB_KID = "HCLAkPub";
export const HCL_EK_PUB_KID = "HCLEkPub";

export interface HclVarData {
  json: Record<string, unknown>;
  keys: JsonWebKey[];
  vmConfiguration?: Record<string, unknown>;
  /** The `user-data` hex string as sent (Azure writes it in uppercase). */
  userData?: string;
}

export function parseVarData(bytes: Uint8Array): HclVarData {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new AzureFormatError(`HCL variable data is not UTF-8 JSON: ${(error as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new AzureFormatError("HCL variable data is not a JSON object");
  }
  const obj = json as Record<string, unknown>;
  const keys = obj["keys"];
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== "object" || k === null || Array.isArray(k))) {
    throw new AzureFormatError('HCL variable data has no "keys" array of JWKs');
  }
  const out: HclVarData = { json: obj, keys: keys as JsonWebKey[] };
  const vm = obj["vm-configuration"];
  if (typeof vm === "object" && vm !== null && !Array.isArray(vm))
    out.vmConfiguration = vm as Record<string, unknown>;
  if (typeof obj["user-data"] === "string") out.userData = obj["user-data"];
  return out;
}

/** The vTPM attestation key (kid "HCLAkPub") as a public key. Throws AzureFormatError when absent or unusable. */
export function hclAkPub(varData: HclVarData): KeyObject {
  const jwk = varData.keys.find((k) => (k as { kid?: unknown }).kid === HCL_AK_PUB_KID);
  if (jwk === undefined) throw new AzureFormatError(`HCL variable data has no "${HCL_AK_PUB_KID}" key`);
  try {
    const key = createPublicKey({ key: jwk, format: "jwk" });
    if (key.asymmetricKeyType !== "rsa") throw new Error(`${key.asymmetricKeyType} key`);
    return key;
  } catch (error) {
    throw new AzureFormatError(`${HCL_AK_PUB_KID} is not an RSA public JWK: ${(error as Error).message}`);
  }
}
