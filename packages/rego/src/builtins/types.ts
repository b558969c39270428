/**
 * The builtin-function contract between the evaluator and every builtin family.
 *
 * A builtin receives evaluated, ground argument values and returns a value, or `undefined` when the call
 * is undefined (e.g. a failed lookup). Errors are thrown as `BuiltinError` (see ../errors.ts): type errors as
 * `operandTypeError(...)` (eval_type_error), others as `builtinError(...)` (eval_builtin_error).
 */
import type { Value } from "../value/value.ts";

/** HTTP request/response for the `http.send` host hook (the engine itself does no I/O). */
export interface HttpSendHook {
  (request: Value): Value;
}

/** Host hooks: the engine is pure; the host supplies time, randomness, I/O and output. */
export interface HostHooks {
  /** Nanoseconds since the Unix epoch. Read once per query: `time.now_ns()` is constant within a query. */
  nowNs(): bigint;
  /** Uniform random in [0, 1), for `rand.intn`, `uuid.rfc4122`. */
  random(): number;
  /** Synchronous `http.send`; absent means `http.send` raises an eval_builtin_error. */
  httpSend?: HttpSendHook;
  /**
   * Synchronous name resolution for `net.lookup_ip_addr` (addresses as text). Absent: address literals
   * still resolve (as Go's resolver does without DNS); other names raise an eval_builtin_error.
   */
  lookupIPAddr?(name: string): string[];
  /** The `opa.runtime()` document (OPA's runtime info: config, env, version…); absent: `{}`. */
  runtime?(): Value;
  /** Receives `trace(note)` notes when tracing is enabled; absent: `trace` is a no-op returning true. */
  trace?(note: string): void;
  /** Receives `print(...)` output lines (already formatted as OPA does, with location prefix when enabled). */
  print?(line: string): void;
}

export interface BuiltinContext {
  hooks: HostHooks;
  /** Strict builtin errors (OPA's WithStrictBuiltinErrors). */
  strict: boolean;
  /** Per-query cache: `time.now_ns` value, `rand.intn` results by args, parsed regexes… */
  cache: Map<string, unknown>;
}

export type BuiltinFn = (args: Value[], ctx: BuiltinContext) => Value | undefined;

export interface BuiltinDef {
  /** Dotted name as in OPA's capabilities.json, e.g. "startswith", "io.jwt.decode", "internal.member_2". */
  name: string;
  /** Number of input arguments (not counting the output). */
  arity: number;
  fn: BuiltinFn;
  /** Relations yield several outputs (OPA's `walk`): fn returns an array of outputs. */
  relation?: boolean;
  /** Results may differ between calls with the same args (rand.intn, http.send, time.now_ns…). */
  nondeterministic?: boolean;
}

/** A name → definition table; each family module exports an array of BuiltinDef. */
export type BuiltinTable = Map<string, BuiltinDef>;
