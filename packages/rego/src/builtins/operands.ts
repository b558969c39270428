/**
 * Operand checks shared by the builtin families, producing OPA's exact messages
 * (v1/topdown/builtins/builtins.go: NewOperandTypeErr, NewOperandElementErr, NewOperandEnumErr, IntOperand).
 * Every helper takes the builtin's name because OPA prefixes builtin errors with it ("plus: operand 2 …").
 */
import { BuiltinError, builtinError, operandTypeError } from "../errors.ts";
import { RObject, RSet, typeName, type Value } from "../value/value.ts";

/** "<name>: operand <pos> must be X but got T", or "must be one of {X, Y} but got T" for several types. */
export function typeError(name: string, pos: number, got: Value, ...expected: string[]): BuiltinError {
  const want = expected.length === 1 ? expected[0]! : `one of {${expected.join(", ")}}`;
  return operandTypeError(name, pos, want, typeName(got));
}

/** "<name>: operand <pos> <message>" as an eval_type_error (OPA's NewOperandErr is a type error). */
export function operandError(name: string, pos: number, message: string): BuiltinError {
  return new BuiltinError("eval_type_error", `${name}: operand ${pos} ${message}`);
}

/** "must be array of strings but got array containing number" (NewOperandElementErr). */
export function elementError(
  name: string,
  pos: number,
  composite: Value,
  got: Value,
  ...expected: string[]
): BuiltinError {
  const t = typeName(composite);
  const msg =
    expected.length === 1
      ? `must be ${t} of ${expected[0]}s but got ${t} containing ${typeName(got)}`
      : `must be ${t} of (any of) {${expected.join(", ")}} but got ${t} containing ${typeName(got)}`;
  return operandError(name, pos, msg);
}

/** "must be one of {2, 8, 10, 16}" (NewOperandEnumErr). */
export function enumError(name: string, pos: number, ...expected: string[]): BuiltinError {
  const msg = expected.length === 1 ? `must be ${expected[0]}` : `must be one of {${expected.join(", ")}}`;
  return operandError(name, pos, msg);
}

export { builtinError };

export function str(name: string, args: Value[], pos: number): string {
  const v = args[pos - 1]!;
  if (typeof v !== "string") throw typeError(name, pos, v, "string");
  return v;
}

export function num(name: string, args: Value[], pos: number): number | bigint {
  const v = args[pos - 1]!;
  if (typeof v !== "number" && typeof v !== "bigint") throw typeError(name, pos, v, "number");
  return v;
}

/** OPA's IntOperand: a number that is integral (fits a machine int). */
export function int(name: string, args: Value[], pos: number): number {
  const v = num(name, args, pos);
  if (typeof v === "bigint") {
    // Go's ast.Number.Int fails beyond int64: OPA reports it as not an integer.
    if (v > 9223372036854775807n || v < -9223372036854775808n)
      throw operandError(name, pos, "must be integer number but got floating-point number");
    return Number(v);
  }
  if (!Number.isInteger(v))
    throw operandError(name, pos, "must be integer number but got floating-point number");
  return v;
}

export function arr(name: string, args: Value[], pos: number): readonly Value[] {
  const v = args[pos - 1]!;
  if (!Array.isArray(v)) throw typeError(name, pos, v, "array");
  return v as readonly Value[];
}

export function obj(name: string, args: Value[], pos: number): RObject {
  const v = args[pos - 1]!;
  if (!(v instanceof RObject)) throw typeError(name, pos, v, "object");
  return v;
}

export function set(name: string, args: Value[], pos: number): RSet {
  const v = args[pos - 1]!;
  if (!(v instanceof RSet)) throw typeError(name, pos, v, "set");
  return v;
}

/** Members of an array (in order) or a set (in Rego order), as OPA iterates them. */
export function members(v: readonly Value[] | RSet): readonly Value[] {
  return Array.isArray(v) ? (v as readonly Value[]) : (v as RSet).sorted();
}

/** OPA's StringSliceOperand: an array or set of strings. */
export function stringSlice(name: string, v: Value, pos: number): string[] {
  if (!Array.isArray(v) && !(v instanceof RSet)) throw typeError(name, pos, v, "array", "set");
  const out: string[] = [];
  for (const x of members(v as readonly Value[] | RSet)) {
    if (typeof x !== "string") throw elementError(name, pos, v, x, "string");
    out.push(x);
  }
  return out;
}
