/**
 * net.* builtins (OPA v1/topdown/cidr.go, net.go) over Go-compatible IP parsing (./net/ip.ts).
 */
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, type Value } from "../value/value.ts";
import { fail, stringOperand } from "./operands-b.ts";
import {
  contains,
  formatIP,
  formatNet,
  isV4Mapped,
  parseCIDR,
  parseIP,
  rangeOf,
  type IPNet,
} from "./net/ip.ts";
import type { BuiltinDef } from "./types.ts";

/**
 * net.cidr_expand materialises every address; OPA stops only on cancellation. We bound the result so a
 * "10.0.0.0/8" (16M strings) or any IPv6 /64 cannot exhaust memory: beyond this it is a halting limit error.
 */
export const CIDR_EXPAND_LIMIT = 1 << 16;

function netOperand(name: string, v: Value, pos: number): IPNet {
  const s = stringOperand(name, v, pos);
  const n = parseCIDR(s);
  if (!n) throw fail(name, `invalid CIDR address: ${s}`);
  return n;
}

/** OPA's builtinNetCIDRContains: b may be an address or a network. */
function cidrContains(name: string, a: Value, b: Value): boolean {
  const net = netOperand(name, a, 1);
  const bs = stringOperand(name, b, 1);
  const ip = parseIP(bs);
  if (ip) return contains(net, ip.value);
  const inner = parseCIDR(bs);
  if (!inner) throw fail(name, `not a valid textual representation of an IP address or CIDR: ${bs}`);
  const [first, last] = rangeOf(inner);
  return contains(net, first) && contains(net, last);
}

/** (cidr, index) pairs of a cidr_contains_matches operand: a string, or a collection of strings/[cidr, …]. */
function matchOperand(name: string, pos: number, v: Value): [Value, Value][] {
  const cidrOf = (x: Value): Value => {
    if (typeof x === "string") return x;
    if (Array.isArray(x) && x.length > 0) return x[0]!;
    throw fail(name, `operand ${pos}: element must be string or non-empty array`);
  };
  if (typeof v === "string") return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [cidrOf(x), i]);
  if (v instanceof RSet) return v.sorted().map((x) => [cidrOf(x), x]);
  if (v instanceof RObject) return v.sortedEntries().map(([k, x]) => [cidrOf(x), k]);
  return [];
}

/** Go's net.IP.DefaultMask: the classful mask of an IPv4 address (A /8, B /16, C /24). */
function defaultPrefix(v4: bigint): number {
  const first = Number((v4 >> 24n) & 0xffn);
  return first < 0x80 ? 8 : first < 0xc0 ? 16 : 24;
}

interface Range {
  first: bigint;
  last: bigint;
  /** The original network when the range was not merged (printed as given, as OPA does). */
  network: IPNet | undefined;
}

/** The smallest list of CIDRs exactly covering [first, last]. */
function rangeToCIDRs(first: bigint, last: bigint): IPNet[] {
  const v4 = isV4Mapped(first);
  const bits = v4 ? 32 : 128;
  const base = v4 ? 0xffffn << 32n : 0n;
  let lo = first - base;
  const hi = last - base;
  const out: IPNet[] = [];
  while (lo <= hi) {
    let size = 0;
    while (
      size < bits &&
      (lo & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      lo + (1n << BigInt(size + 1)) - 1n <= hi
    )
      size++;
    out.push({ ip: base + lo, prefix: bits - size, bits });
    lo += 1n << BigInt(size);
  }
  return out;
}

/** OPA's evalNetCIDRMerge: sort ranges by (last, first), merge overlapping/adjacent ones, re-split. */
function mergeNetworks(networks: IPNet[]): string[] {
  const ranges: Range[] = networks.map((n) => {
    const [first, last] = rangeOf(n);
    return { first, last, network: n };
  });
  ranges.sort((a, b) =>
    a.last !== b.last ? (a.last < b.last ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
  );
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i]!;
    const prev = ranges[i - 1]!;
    // GetPreviousIP never goes below 0.0.0.0 / :: .
    const floor = isV4Mapped(cur.first) ? 0xffffn << 32n : 0n;
    const previousIP = cur.first > floor ? cur.first - 1n : cur.first;
    if (previousIP <= prev.last) {
      ranges[i - 1] = {
        first: prev.first < cur.first ? prev.first : cur.first,
        last: cur.last,
        network: undefined,
      };
      ranges.splice(i, 1);
    }
  }
  const out: string[] = [];
  for (const r of ranges) {
    if (r.network) out.push(formatNet(r.network));
    else for (const n of rangeToCIDRs(r.first, r.last)) out.push(formatNet(n));
  }
  return out;
}

function mergeElement(name: string, v: Value): IPNet {
  if (typeof v !== "string") throw fail(name, "element must be string");
  const ip = parseIP(v);
  if (!ip) {
    const n = parseCIDR(v);
    if (!n) throw fail(name, `invalid CIDR address: ${v}`);
    return n;
  }
  if (isV4Mapped(ip.value)) {
    // Unmasked address with its classful mask: OPA prints it unmasked if it is not merged.
    return { ip: ip.value, prefix: defaultPrefix(ip.value & 0xffffffffn), bits: 32 };
  }
  throw fail(name, "IPv6 invalid: needs prefix length");
}

export const netBuiltins: BuiltinDef[] = [
  {
    name: "net.cidr_contains",
    arity: 2,
    fn: ([a, b]) => cidrContains("net.cidr_contains", a!, b!),
  },
  {
    // Deprecated alias of cidr_contains (v0 only); same implementation in OPA.
    name: "net.cidr_overlap",
    arity: 2,
    fn: ([a, b]) => cidrContains("net.cidr_overlap", a!, b!),
  },
  {
    name: "net.cidr_intersects",
    arity: 2,
    fn: ([a, b]) => {
      const name = "net.cidr_intersects";
      const x = netOperand(name, a!, 1);
      const y = netOperand(name, b!, 1);
      return contains(x, y.ip) || contains(y, x.ip);
    },
  },
  {
    name: "net.cidr_contains_matches",
    arity: 2,
    fn: ([a, b]) => {
      const name = "net.cidr_contains_matches";
      const result = new RSet();
      const left = matchOperand(name, 1, a!);
      for (const [cidr1, index1] of left) {
        for (const [cidr2, index2] of matchOperand(name, 2, b!)) {
          if (cidrContains(name, cidr1, cidr2)) result.add([index1, index2]);
        }
      }
      return result;
    },
  },
  {
    name: "net.cidr_expand",
    arity: 1,
    fn: ([a]) => {
      const name = "net.cidr_expand";
      const net = netOperand(name, a!, 1);
      const [first, last] = rangeOf(net);
      if (last - first + 1n > BigInt(CIDR_EXPAND_LIMIT)) {
        throw new BuiltinError(
          "eval_limit_error",
          `${name}: ${stringOperand(name, a!, 1)} has ${last - first + 1n} addresses, more than the limit of ${CIDR_EXPAND_LIMIT}`,
          { halt: true },
        );
      }
      const result = new RSet();
      for (let ip = first; ip <= last; ip++) result.add(formatIP(ip));
      return result;
    },
  },
  {
    name: "net.cidr_is_valid",
    arity: 1,
    fn: ([a]) => typeof a === "string" && parseCIDR(a) !== undefined,
  },
  {
    name: "net.cidr_merge",
    arity: 1,
    fn: ([a]) => {
      const name = "net.cidr_merge";
      let items: readonly Value[];
      if (Array.isArray(a)) items = a;
      else if (a instanceof RSet) items = a.sorted();
      else throw fail(name, "operand must be an array");
      return RSet.of(mergeNetworks(items.map((x) => mergeElement(name, x))));
    },
  },
  {
    name: "net.lookup_ip_addr",
    arity: 1,
    nondeterministic: true,
    fn: ([a], ctx) => {
      const name = "net.lookup_ip_addr";
      const host = stringOperand(name, a!, 1);
      // Go's resolver answers address literals itself, without DNS.
      const literal = parseIP(host);
      if (literal) return RSet.of([formatIP(literal.value)]);
      // RFC 6761 §6.3: resolvers SHOULD answer "localhost" names with the loopback addresses themselves.
      const lower = host.toLowerCase().replace(/\.$/, "");
      if (!ctx.hooks.lookupIPAddr && (lower === "localhost" || lower.endsWith(".localhost"))) {
        return RSet.of(["127.0.0.1", "::1"]);
      }
      const key = `${name}\u0000${host}`;
      const cached = ctx.cache.get(key) as Value | undefined;
      if (cached !== undefined) return cached;
      const lookup = ctx.hooks.lookupIPAddr;
      if (!lookup)
        throw fail(name, `cannot resolve ${host}: no DNS resolver (host hook lookupIPAddr) is configured`);
      let addresses: string[];
      try {
        addresses = lookup(host);
      } catch (e) {
        throw fail(name, e instanceof Error ? e.message : String(e));
      }
      const result = RSet.of(addresses);
      ctx.cache.set(key, result);
      return result;
    },
  },
];
