/** A BuiltinContext for unit tests: fixed clock, deterministic randomness, fresh per-query cache. */
import type { BuiltinContext } from "../types.ts";

export function testContext(nowNs = 1_700_000_000_000_000_000n): BuiltinContext {
  let seed = 0x2545f491;
  return {
    hooks: {
      nowNs: () => nowNs,
      random: () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      },
    },
    strict: true,
    cache: new Map(),
  };
}
