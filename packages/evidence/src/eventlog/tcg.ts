/**
 * TCG identifiers used in crypto-agile event logs, with the names Trustee's eventlog crate
 * serialises them as (deps/eventlog/src/ccel/tcg_enum.rs): algorithm names like "SHA-384"
 * and event type names like "EV_EFI_BOOT_SERVICES_APPLICATION".
 */

/** TPM_ALG_ID values (TCG Algorithm Registry) → Trustee's `TcgAlgorithm` serde names. */
export const TCG_ALGORITHM_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0001, "RSA"],
  [0x0003, "TDES"],
  [0x0004, "SHA-1"],
  [0x000b, "SHA-256"],
  [0x000c, "SHA-384"],
  [0x000d, "SHA-512"],
  [0x0012, "SM3"],
]);

export type HashAlgorithmName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512" | "SM3";

/** Digest algorithms we can compute, with their node:crypto names and TCG digest sizes. */
export const HASH_ALGORITHMS: Readonly<
  Record<HashAlgorithmName, { id: number; nodeName: string; size: number }>
> = {
  "SHA-1": { id: 0x0004, nodeName: "sha1", size: 20 },
  "SHA-256": { id: 0x000b, nodeName: "sha256", size: 32 },
  "SHA-384": { id: 0x000c, nodeName: "sha384", size: 48 },
  "SHA-512": { id: 0x000d, nodeName: "sha512", size: 64 },
  SM3: { id: 0x0012, nodeName: "sm3", size: 32 },
};

export function isHashAlgorithmName(name: string): name is HashAlgorithmName {
  return Object.hasOwn(HASH_ALGORITHMS, name);
}

/**
 * Event types of the TCG PC Client Platform Firmware Profile (§10.4.1 "Event Types"), named as
 * Trustee's `TcgEventType` (SCREAMING_SNAKE_CASE of the spec names). Trustee rejects a log with
 * any other type value, and so do we.
 */
export const TCG_EVENT_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0, "EV_PREBOOT_CERT"],
  [0x1, "EV_POST_CODE"],
  [0x2, "EV_UNUSED"],
  [0x3, "EV_NO_ACTION"],
  [0x4, "EV_SEPARATOR"],
  [0x5, "EV_ACTION"],
  [0x6, "EV_EVENT_TAG"],
  [0x7, "EV_S_CRTM_CONTENTS"],
  [0x8, "EV_S_CRTM_VERSION"],
  [0x9, "EV_CPU_MICROCODE"],
  [0xa, "EV_PLATFORM_CONFIG_FLAGS"],
  [0xb, "EV_TABLE_OF_DEVICES"],
  [0xc, "EV_COMPACT_HASH"],
  [0xd, "EV_IPL"],
  [0xe, "EV_IPL_PARTITION_DATA"],
  [0xf, "EV_NONHOST_CODE"],
  [0x10, "EV_NONHOST_CONFIG"],
  [0x11, "EV_NONHOST_INFO"],
  [0x12, "EV_OMIT_BOOT_DEVICE_EVENTS"],
  [0x80000000, "EV_EFI_EVENT_BASE"],
  [0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG"],
  [0x80000002, "EV_EFI_VARIABLE_BOOT"],
  [0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION"],
  [0x80000004, "EV_EFI_BOOT_SERVICES_DRIVER"],
  [0x80000005, "EV_EFI_RUNTIME_SERVICES_DRIVER"],
  [0x80000006, "EV_EFI_GPT_EVENT"],
  [0x80000007, "EV_EFI_ACTION"],
  [0x80000008, "EV_EFI_PLATFORM_FIRMWARE_BLOB"],
  [0x80000009, "EV_EFI_HANDOFF_TABLES"],
  [0x8000000a, "EV_EFI_PLATFORM_FIRMWARE_BLOB2"],
  [0x8000000b, "EV_EFI_HANDOFF_TABLES2"],
  [0x8000000c, "EV_EFI_VARIABLE_BOOT2"],
  [0x80000010, "EV_EFI_HCRTM_EVENT"],
  [0x800000e0, "EV_EFI_VARIABLE_AUTHORITY"],
  [0x800000e1, "EV_EFI_SPDM_FIRMWARE_BLOB"],
  [0x800000e2, "EV_EFI_SPDM_FIRMWARE_CONFIG"],
]);

/** EV_NO_ACTION: the type of the Spec ID header event (PFP §10.4.5.1). */
export const EV_NO_ACTION = 0x3;
