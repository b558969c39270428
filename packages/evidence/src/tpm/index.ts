export * from "./errors.ts";
export * from "./constants.ts";
export * from "./attest.ts";
export * from "./signature.ts";
export * from "./public-key.ts";
export * from "./pcr.ts";
export * from "./verify-quote.ts";
export * from "./trustee-evidence.ts";
