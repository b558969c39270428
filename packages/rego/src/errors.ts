/**
 * Rego errors carry OPA's error codes and print as OPA does, so conformance cases that match on
 * `want_error` substrings and `want_error_code` judge us exactly like OPA:
 *   "<file>:<row>: <code>: <message>" with a location, else "<code>: <message>" (v1/topdown/errors.go).
 */
import type { Location } from "./syntax/ast.ts";

export type RegoErrorCode =
  // parse and compile time (v1/ast/errors.go)
  | "rego_parse_error"
  | "rego_compile_error"
  | "rego_type_error"
  | "rego_unsafe_var_error"
  | "rego_recursion_error"
  // evaluation (v1/topdown/errors.go)
  | "eval_conflict_error"
  | "eval_type_error"
  | "eval_builtin_error"
  | "eval_cancel_error"
  | "eval_internal_error"
  // Cocoon's own resource limits (input size, depth, steps): never a hang or a crash
  | "eval_limit_error";

export class RegoError extends Error {
  readonly code: RegoErrorCode;
  /** The bare message, without location and code. */
  readonly detail: string;
  readonly location: Location | undefined;

  constructor(code: RegoErrorCode, detail: string, location?: Location) {
    super(location ? `${location.file}:${location.row}: ${code}: ${detail}` : `${code}: ${detail}`);
    this.name = "RegoError";
    this.code = code;
    this.detail = detail;
    this.location = location;
  }
}

/** Several parse or compile errors reported together (OPA reports all it finds, "N errors occurred"). */
export class RegoErrors extends RegoError {
  readonly errors: RegoError[];

  constructor(errors: RegoError[]) {
    const first = errors[0]!;
    super(
      first.code,
      errors.length === 1 ? first.detail : `${errors.length} errors occurred`,
      first.location,
    );
    this.errors = errors;
    if (errors.length > 1)
      this.message = `${errors.length} errors occurred:\n${errors.map((e) => e.message).join("\n")}`;
  }
}

/**
 * An error raised by a builtin. Non-halting builtin errors make the call undefined and are recorded;
 * in strict mode the first one is returned at the end of the query (v1/topdown/eval.go L2080-2195).
 * Halting errors (conflicts, cancellations, limits) always abort evaluation.
 */
export class BuiltinError extends RegoError {
  readonly halt: boolean;

  constructor(code: RegoErrorCode, detail: string, options?: { halt?: boolean; location?: Location }) {
    super(code, detail, options?.location);
    this.halt = options?.halt ?? false;
  }
}

/** `"<name>: operand <n> must be <expected> but got <actual>"`, OPA's operand type error (eval_type_error). */
export function operandTypeError(
  name: string,
  position: number,
  expected: string,
  actual: string,
): BuiltinError {
  return new BuiltinError(
    "eval_type_error",
    `${name}: operand ${position} must be ${expected} but got ${actual}`,
  );
}

/** `"<name>: <message>"` as eval_builtin_error. */
export function builtinError(name: string, message: string): BuiltinError {
  return new BuiltinError("eval_builtin_error", `${name}: ${message}`);
}
