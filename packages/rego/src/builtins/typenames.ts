/**
 * Type builtins (OPA v1/topdown/type.go, type_name.go): is_* and type_name. The file is not called
 * types.ts because that name holds the BuiltinDef contract.
 */
import { RObject, RSet, typeName } from "../value/value.ts";
import type { BuiltinDef } from "./types.ts";

export const typesBuiltins: BuiltinDef[] = [
  { name: "is_number", arity: 1, fn: ([v]) => typeof v === "number" || typeof v === "bigint" },
  { name: "is_string", arity: 1, fn: ([v]) => typeof v === "string" },
  { name: "is_boolean", arity: 1, fn: ([v]) => typeof v === "boolean" },
  { name: "is_array", arity: 1, fn: ([v]) => Array.isArray(v) },
  { name: "is_set", arity: 1, fn: ([v]) => v instanceof RSet },
  { name: "is_object", arity: 1, fn: ([v]) => v instanceof RObject },
  { name: "is_null", arity: 1, fn: ([v]) => v === null },
  { name: "type_name", arity: 1, fn: ([v]) => typeName(v!) },
];
