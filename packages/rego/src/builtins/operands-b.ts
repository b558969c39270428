/**
 * Operand helpers shared by the family-B builtins (time, net, crypto, jwt, …). They reproduce OPA's
 * `builtins.StringOperand` / `NumberOperand` / `IntOperand` errors (v1/topdown/builtins/builtins.go):
 * "<name>: operand <n> must be <type> but got <type>" as eval_type_error.
 */
import { builtinError, operandTypeError, type BuiltinError } from "../errors.ts";
import { RObject, RSet, typeName, type Value } from "../value/value.ts";

export function stringOperand(name: string, v: Value, pos: number): string {
  if (typeof v !== "string") throw operandTypeError(name, pos, "string", typeName(v));
  return v;
}

export function numberOperand(name: string, v: Value, pos: number): number | bigint {
  if (typeof v !== "number" && typeof v !== "bigint")
    throw operandTypeError(name, pos, "number", typeName(v));
  return v;
}

export function objectOperand(name: string, v: Value, pos: number): RObject {
  if (!(v instanceof RObject)) throw operandTypeError(name, pos, "object", typeName(v));
  return v;
}

export function booleanOperand(name: string, v: Value, pos: number): boolean {
  if (typeof v !== "boolean") throw operandTypeError(name, pos, "boolean", typeName(v));
  return v;
}

/**
 * OPA's IntOperand: a number that is an integer fitting Go's int, else "operand <n> must be integer number
 * but got floating-point number" (builtins.go IntOperand).
 */
export function intOperand(name: string, v: Value, pos: number): bigint {
  const n = numberOperand(name, v, pos);
  if (typeof n === "bigint") return n;
  if (!Number.isInteger(n)) throw operandTypeError(name, pos, "integer number", "floating-point number");
  return BigInt(n);
}

/** Converts an exact integer to the value model: a JS number when safe, else a bigint. */
export function intValue(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** Wraps a failure message the way OPA reports a plain Go error from a builtin: "<name>: <message>". */
export function fail(name: string, message: string): BuiltinError {
  return builtinError(name, message);
}

/** Iterates the elements of an array or set (sets in sorted order, as OPA iterates them). */
export function collectionItems(v: readonly Value[] | RSet): readonly Value[] {
  return v instanceof RSet ? v.sorted() : v;
}

/** A JS record of string-keyed values as an RObject. */
export function obj(record: Record<string, Value>): RObject {
  return RObject.fromRecord(record);
}
