/**
 * trace (OPA v1/topdown/trace.go builtinTrace) and test.sleep (v1/topdown/test.go, used by the
 * conformance suite to show time.now_ns is fixed within a query).
 */
import { BuiltinError } from "../errors.ts";
import { fail, stringOperand } from "./operands-b.ts";
import { DurationError, parseDuration } from "./time/duration.ts";
import type { BuiltinDef } from "./types.ts";

/** test.sleep blocks the (synchronous) evaluator; cap it so a policy cannot stall a host. */
export const MAX_SLEEP_MS = 1000;

export const miscBuiltins: BuiltinDef[] = [
  {
    name: "trace",
    arity: 1,
    fn: ([note], ctx) => {
      const text = stringOperand("trace", note!, 1);
      ctx.hooks.trace?.(text);
      return true;
    },
  },
  {
    name: "test.sleep",
    arity: 1,
    nondeterministic: true,
    fn: ([d]) => {
      const name = "test.sleep";
      let ns: bigint;
      try {
        ns = parseDuration(stringOperand(name, d!, 1));
      } catch (e) {
        if (e instanceof DurationError) throw fail(name, e.message);
        throw e;
      }
      const ms = Number(ns / 1_000_000n);
      if (ms > MAX_SLEEP_MS) {
        throw new BuiltinError("eval_limit_error", `${name}: ${ms}ms exceeds the ${MAX_SLEEP_MS}ms limit`, {
          halt: true,
        });
      }
      if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      return true;
    },
  },
];
