export * from "./value.ts";
export * from "./json.ts";
