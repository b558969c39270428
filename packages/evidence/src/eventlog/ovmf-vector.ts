/**
 * Test support: Trustee's OVMF TD event log (vectors/trustee/tdx/CCEL_data_ovmf, read in place) and the RTMR0..3
 * it replays to, as Trustee's own test asserts them (deps/eventlog/src/lib.rs `test_rtmr_integrity`).
 */
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";

export const OVMF_LOG: Buffer = readFileSync(vectorPath("trustee", "tdx", "CCEL_data_ovmf"));

/** RTMR0..3 of OVMF_LOG, hex (RTMR3 is never extended: all zero). */
export const OVMF_RTMRS_HEX: readonly string[] = [
  "8566f998798db09443b244c62de9a3041fb02e2e6936c4396d784bba2e90177329ec5aba3bb484404f2ab9cc90abe193",
  "775b9f6bfe99f8a31396f0d0218e67ffa796d3b96ccf961cbb0deba48c79c00f082cda1a5567c1c16305f1fc210c13c6",
  "94eaf7a7bf398ed8d888c91057ae0261802e4f3df084213a76ca7f0b5055ac9d2241de43cd58d9e8b49c503bbf25f34a",
  "0".repeat(96),
];
