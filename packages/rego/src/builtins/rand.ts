/**
 * rand.intn and uuid.rfc4122 (OPA v1/topdown/numbers.go builtinRandIntn, uuid.go builtinUUIDRFC4122):
 * random values from the host's `random` hook, fixed per argument within a query (OPA caches them in
 * the query's builtin cache), so `{rand.intn("k", 100) | …}` has one member.
 */
import { intOperand, intValue, stringOperand } from "./operands-b.ts";
import type { BuiltinContext, BuiltinDef } from "./types.ts";

function cached<T>(ctx: BuiltinContext, key: string, make: () => T): T {
  if (ctx.cache.has(key)) return ctx.cache.get(key) as T;
  const v = make();
  ctx.cache.set(key, v);
  return v;
}

/** A uniform integer in [0, n) from the host's uniform [0, 1) source. */
function randomBelow(ctx: BuiltinContext, n: bigint): bigint {
  if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return BigInt(Math.floor(ctx.hooks.random() * Number(n)));
  // Wider ranges: compose 32-bit chunks, then reduce (bias below 2^-64 for int64 bounds).
  let r = 0n;
  for (let i = 0; i < 4; i++) r = (r << 32n) | BigInt(Math.floor(ctx.hooks.random() * 2 ** 32));
  return r % n;
}

/** RFC 4122 §4.4: a version 4 (random) UUID. */
function uuidV4(ctx: BuiltinContext): string {
  const b = Array.from({ length: 16 }, () => Math.floor(ctx.hooks.random() * 256));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10xx
  const hex = b.map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const randBuiltins: BuiltinDef[] = [
  {
    name: "rand.intn",
    arity: 2,
    nondeterministic: true,
    fn: ([s, n], ctx) => {
      const name = "rand.intn";
      const str = stringOperand(name, s!, 1);
      let bound = intOperand(name, n!, 2);
      if (bound === 0n) return 0;
      if (bound < 0n) bound = -bound;
      return intValue(cached(ctx, `rand.intn\u0000${str}-${bound}`, () => randomBelow(ctx, bound)));
    },
  },
  {
    name: "uuid.rfc4122",
    arity: 1,
    nondeterministic: true,
    fn: ([s], ctx) => {
      const str = stringOperand("uuid.rfc4122", s!, 1);
      return cached(ctx, `uuid.rfc4122\u0000${str}`, () => uuidV4(ctx));
    },
  },
];
