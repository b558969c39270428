/** @cocoon/evidence — TEE evidence verifiers. Each TEE folder exports its parse and verify functions. */
export * from "./types.ts";
