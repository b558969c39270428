/** @cocoon/evidence — TEE evidence verifiers. Each TEE folder exports its parse and verify functions. */
export * from "./types.ts";
export * from "./crypto/index.ts";
export * from "./amd/index.ts";
export * from "./snp/index.ts";
export * from "./tpm/index.ts";
export * from "./azure/index.ts";
export * from "./sample/index.ts";
export * from "./dcap/index.ts";
export * from "./intel/index.ts";
export * from "./verify.ts";
export * from "./eventlog/index.ts";
