/**
 * IP addresses and networks with Go's net package semantics (ParseIP, ParseCIDR, IPNet.Contains,
 * IP.String, IPNet.String), which OPA's net.cidr_* builtins expose unchanged (v1/topdown/cidr.go).
 * Addresses are 128-bit bigints; IPv4 addresses live in the IPv4-mapped range ::ffff:0:0/96, as Go's
 * 16-byte net.IP representation does.
 */
const V4_MAPPED = 0xffffn << 32n;
const ALL128 = (1n << 128n) - 1n;

export interface IP {
  /** The 128-bit value (IPv4 as ::ffff:a.b.c.d). */
  value: bigint;
  /** Whether the text was an IPv4 literal. */
  v4: boolean;
}

export interface IPNet {
  /** The address as given (ParseCIDR masks it; cidr_merge's bare addresses are unmasked). */
  ip: bigint;
  /** Prefix length in the address family's bits (32 for IPv4, 128 for IPv6). */
  prefix: number;
  /** 32 or 128. */
  bits: number;
}

/** netip.ParseAddr for IPv4: four decimal octets, no leading zeros (Go ≥ 1.17). */
function parseV4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === "0")) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (s.includes("%")) return undefined; // zones are rejected by ParseIP and ParseCIDR
  let head = s;
  let tail = "";
  const dbl = s.indexOf("::");
  if (dbl >= 0) {
    head = s.slice(0, dbl);
    tail = s.slice(dbl + 2);
    if (tail.includes("::")) return undefined;
  }
  const groups = (text: string): number[] | undefined => {
    if (text === "") return [];
    const out: number[] = [];
    const parts = text.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseV4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  let all: number[];
  if (dbl >= 0) {
    if (h.length + t.length > 7) return undefined;
    all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  } else {
    if (h.length !== 8) return undefined;
    all = h;
  }
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** net.ParseIP: an IPv4 or IPv6 literal, else undefined. */
export function parseIP(s: string): IP | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return { value: V4_MAPPED | v4, v4: true };
  if (!s.includes(":")) return undefined;
  const v6 = parseV6(s);
  return v6 === undefined ? undefined : { value: v6, v4: false };
}

/** Go's IP.To4() != nil: an IPv4-mapped address. */
export function isV4Mapped(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

/** net.ParseCIDR's network (masked); undefined where Go reports "invalid CIDR address: <s>". */
export function parseCIDR(s: string): IPNet | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const maskText = s.slice(slash + 1);
  const v4 = parseV4(addr);
  const ip = v4 !== undefined ? v4 : addr.includes(":") ? parseV6(addr) : undefined;
  if (ip === undefined) return undefined;
  const bits = v4 !== undefined ? 32 : 128;
  // Go's dtoi: decimal digits only (leading zeros allowed), bounded.
  if (!/^\d+$/.test(maskText) || maskText.length > 7) return undefined;
  const prefix = Number(maskText);
  if (prefix > bits) return undefined;
  const ip128 = bits === 32 ? V4_MAPPED | ip : ip;
  return { ip: ip128 & maskOf(prefix, bits), prefix, bits };
}

/** The mask as a 128-bit value; IPv4 masks keep the ::ffff: bits so masking preserves the mapping. */
function maskOf(prefix: number, bits: number): bigint {
  const host = BigInt(bits - prefix);
  const m = (ALL128 >> host) << host;
  return m & ALL128;
}

/** First and last address of a network, in the 128-bit space (IPv4 mapped). */
export function rangeOf(n: IPNet): [bigint, bigint] {
  const mask = maskOf(n.prefix, n.bits);
  const first = n.ip & mask;
  return [first, first | (~mask & ALL128)];
}

/**
 * IPNet.Contains. Go compares in the network's own family: an IPv4 network (or an IPv6 network whose
 * address is IPv4-mapped) holds only IPv4 addresses; an IPv6 network holds only non-mapped ones.
 */
export function contains(n: IPNet, ip: bigint): boolean {
  const netIsV4 = isV4Mapped(n.ip);
  if (netIsV4 !== isV4Mapped(ip)) return false;
  let prefix = n.prefix;
  if (netIsV4 && n.bits === 128) {
    // networkNumberAndMask: a 16-byte mask on a 4-byte address keeps its last 32 bits.
    prefix = Math.max(0, n.prefix - 96);
  }
  const bits = netIsV4 ? 32 : 128;
  const host = BigInt(bits - prefix);
  return ip >> host === n.ip >> host;
}

function formatV4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String(Number((v >> s) & 0xffn))).join(".");
}

/** IP.String(): dotted quad for IPv4-mapped, RFC 5952 text otherwise (longest zero run ≥ 2 compressed). */
export function formatIP(value: bigint): string {
  if (isV4Mapped(value)) return formatV4(value & 0xffffffffn);
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** IPNet.String(): "<address>/<prefix>" in the address's family. */
export function formatNet(n: IPNet): string {
  const v4 = isV4Mapped(n.ip);
  const prefix = v4 && n.bits === 128 ? n.prefix - 96 : n.prefix;
  return `${formatIP(n.ip)}/${prefix}`;
}

export const ALL_ONES_128 = ALL128;
