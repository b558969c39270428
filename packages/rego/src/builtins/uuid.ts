/**
 * uuid.parse (OPA v1/topdown/uuid.go over internal/uuid and google/uuid): accepts the 36-character form,
 * "urn:uuid:" (case-insensitive), the 38-character form (only the middle 36 examined) and 32 hex digits;
 * returns version and variant, plus time, clock sequence, node id and MAC flags for versions 1 and 2
 * (and id and domain for version 2). An unparseable string makes the call undefined, as in OPA.
 */
import { RObject, type Value } from "../value/value.ts";
import { normalize } from "../value/number.ts";
import { str } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

/** 100ns intervals between 1582-10-15 and the Unix epoch (google/uuid time.go g1582ns100). */
const G1582_NS100 = 122192928000000000n;

function parseBytes(input: string): Uint8Array | undefined {
  let s = input;
  if (s.length === 45) {
    if (s.slice(0, 9).toLowerCase() !== "urn:uuid:") return undefined;
    s = s.slice(9);
  } else if (s.length === 38) {
    s = s.slice(1, 37);
  } else if (s.length === 32) {
    if (!/^[0-9a-fA-F]{32}$/.test(s)) return undefined;
    return Uint8Array.from(Buffer.from(s, "hex"));
  } else if (s.length !== 36) {
    return undefined;
  }
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s))
    return undefined;
  return Uint8Array.from(Buffer.from(s.replaceAll("-", ""), "hex"));
}

function variant(b8: number): string {
  if ((b8 & 0xc0) === 0x80) return "RFC4122";
  if ((b8 & 0xe0) === 0xe0) return "Future";
  if ((b8 & 0xe0) === 0xc0) return "Microsoft";
  return "Reserved";
}

function macVariables(b: number): string {
  if ((b & 0b11) === 0b11) return "local:multicast";
  if ((b & 0b01) === 0b01) return "global:multicast";
  if ((b & 0b10) === 0b10) return "local:unicast";
  return "global:unicast";
}

function domain(d: number): string {
  return d === 0 ? "Person" : d === 1 ? "Group" : d === 2 ? "Org" : `Domain${d}`;
}

export function parseUUID(s: string): RObject | undefined {
  const u = parseBytes(s);
  if (!u) return undefined;
  const view = new DataView(u.buffer, u.byteOffset, u.byteLength);
  const version = u[6]! >> 4;
  const out = new RObject();
  out.set("version", version);
  out.set("variant", variant(u[8]!));
  if (version === 1 || version === 2) {
    const t =
      BigInt(view.getUint32(0)) |
      (BigInt(view.getUint16(4)) << 32n) |
      (BigInt(view.getUint16(6) & 0xfff) << 48n);
    // UnixTime: seconds and nanoseconds of (t - 1582 offset), recombined as nanoseconds.
    const d = t - G1582_NS100;
    const sec = d / 10_000_000n;
    const nsec = (d % 10_000_000n) * 100n;
    out.set("time", normalize(sec * 1_000_000_000n + nsec));
    out.set("clocksequence", view.getUint16(8) & 0x3fff);
    out.set("nodeid", [...u.slice(10, 16)].map((b) => b.toString(16).padStart(2, "0")).join("-"));
    out.set("macvariables", macVariables(u[10]!));
    if (version === 2) {
      out.set("id", view.getUint32(0));
      out.set("domain", domain(u[9]!));
    }
  }
  return out;
}

export const uuidBuiltins: BuiltinDef[] = [
  {
    name: "uuid.parse",
    arity: 1,
    fn: (args): Value | undefined => parseUUID(str("uuid.parse", args, 1)),
  },
];
