export * from "./signatures.ts";
