/**
 * opa.runtime (OPA v1/topdown/runtime.go): the host's runtime document, with service credentials and
 * private keys removed from its "config" (they must never be readable by policy).
 */
import { RObject, type Value } from "../value/value.ts";
import { fail } from "./operands-b.ts";
import type { BuiltinDef } from "./types.ts";

function without(v: Value, keys: string[]): Value {
  if (!(v instanceof RObject)) throw fail("opa.runtime", "type assertion error");
  return RObject.fromEntries([...v.entries()].filter(([k]) => !(typeof k === "string" && keys.includes(k))));
}

/** OPA's activeConfig: drop services[*].credentials and keys[*].key / private_key. */
function purgeConfig(config: RObject): RObject {
  const out = new RObject();
  for (const [k, v] of config.entries()) {
    if (k === "services" && v !== null) {
      if (Array.isArray(v))
        out.set(
          k,
          v.map((s) => without(s, ["credentials"])),
        );
      else if (v instanceof RObject)
        out.set(k, RObject.fromEntries([...v.entries()].map(([sk, s]) => [sk, without(s, ["credentials"])])));
      else throw fail("opa.runtime", "illegal service config type");
    } else if (k === "keys" && v !== null) {
      if (!(v instanceof RObject)) throw fail("opa.runtime", "illegal keys config type");
      out.set(
        k,
        RObject.fromEntries([...v.entries()].map(([kk, key]) => [kk, without(key, ["key", "private_key"])])),
      );
    } else {
      out.set(k, v);
    }
  }
  return out;
}

export const opaBuiltins: BuiltinDef[] = [
  {
    name: "opa.runtime",
    arity: 0,
    nondeterministic: true,
    fn: (_args, ctx) => {
      const runtime = ctx.hooks.runtime?.();
      if (runtime === undefined) return new RObject();
      if (!(runtime instanceof RObject)) return runtime;
      const config = runtime.get("config");
      if (!(config instanceof RObject)) return runtime;
      return RObject.fromEntries(
        [...runtime.entries()].map(([k, v]) => [k, k === "config" ? purgeConfig(config) : v]),
      );
    },
  },
];
