export * from "./errors.ts";
export * from "./encoding.ts";
export * from "./jcs.ts";
export * from "./clock.ts";
export * from "./logger.ts";
export * from "./testing.ts";
