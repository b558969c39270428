/**
 * JSON Canonicalization Scheme (RFC 8785): sorted keys (by UTF-16 code units), ECMAScript number
 * formatting, minimal string escaping. Used for digests over JSON (init-data, claims, tokens).
 */
import { InvalidInputError } from "./errors.ts";

export function canonicalize(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new InvalidInputError(`JCS cannot encode the number ${value}`);
      return JSON.stringify(value);
    case "string":
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map(canonicalize).join(",")}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalize(record[key])}`).join(",")}}`;
    }
    default:
      throw new InvalidInputError(`JCS cannot encode a value of type ${typeof value}`);
  }
}
