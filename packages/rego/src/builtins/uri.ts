/**
 * uri.parse and uri.is_valid (OPA v1/topdown/uri.go), over a re-implementation of Go's net/url.Parse
 * (go/src/net/url/url.go: getScheme, parseAuthority, parseHost, unescape, shouldEscape, setPath), because
 * OPA returns exactly what Go accepts, decodes and reports — error texts included.
 */
import { goQuote } from "../value/format.ts";
import { RObject } from "../value/value.ts";
import { fail, stringOperand } from "./operands-b.ts";
import type { BuiltinDef } from "./types.ts";

/** A url.Parse failure, with Go's message. */
export class URLError extends Error {}

type Mode = "path" | "host" | "zone" | "userPassword" | "fragment";

/** Go's strconv.Quote, as url.Error and EscapeError print their operands. */
const quote = goQuote;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);

/** Go's shouldEscape for the modes url.Parse uses (RFC 3986 §2 and §3). */
function shouldEscape(c: number, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === "host" || mode === "zone") && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ("-_.~".includes(ch)) return false;
  if ("$&+,/:;=?@".includes(ch)) {
    switch (mode) {
      case "path":
        return ch === "?";
      case "userPassword":
        return ch === "@" || ch === "/" || ch === "?" || ch === ":";
      case "fragment":
        return false;
      default:
        return true;
    }
  }
  if (mode === "fragment" && "!()*".includes(ch)) return false;
  return true;
}

/** Go's unescape: validates and decodes %XX (bytes), with the host-specific restrictions. */
function unescape(s: string, mode: Mode): string {
  const bytes = Buffer.from(s, "utf8");
  const out: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i]!;
    if (c === 0x25) {
      if (i + 2 >= bytes.length || !isHex(bytes[i + 1]!) || !isHex(bytes[i + 2]!)) {
        throw new URLError(`invalid URL escape ${quote(bytes.subarray(i, i + 3).toString("utf8"))}`);
      }
      const triple = bytes.subarray(i, i + 3).toString("latin1");
      // RFC 3986 §3.2.2: in a host, %-encoding is only for non-ASCII bytes (RFC 6874 adds %25 for zones).
      if (mode === "host" && parseInt(triple[1]!, 16) < 8 && triple !== "%25")
        throw new URLError(`invalid URL escape ${quote(triple)}`);
      out.push(parseInt(triple.slice(1), 16));
      i += 3;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c < 0x80 && shouldEscape(c, mode)) {
      throw new URLError(`invalid character ${quote(String.fromCharCode(c))} in host name`);
    }
    out.push(c);
    i++;
  }
  return Buffer.from(out).toString("utf8");
}

function escape(s: string, mode: Mode): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    out += shouldEscape(b, mode)
      ? "%" + b.toString(16).toUpperCase().padStart(2, "0")
      : String.fromCharCode(b);
  }
  return out;
}

const validOptionalPort = (p: string): boolean => p === "" || /^:[0-9]*$/.test(p);

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${quote(colonPort)} after host`);
    const zone = host.slice(0, i).indexOf("%25");
    if (zone >= 0) {
      return (
        unescape(host.slice(0, zone), "host") +
        unescape(host.slice(zone, i), "zone") +
        unescape(host.slice(i), "host")
      );
    }
  } else {
    const i = host.lastIndexOf(":");
    if (i >= 0) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new URLError(`invalid port ${quote(colonPort)} after host`);
    }
  }
  return unescape(host, "host");
}

function validUserinfo(s: string): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (isAlnum(c) || "-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

export interface GoURL {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

function parseWithoutFragment(raw: string): GoURL {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new URLError("net/url: invalid control character in URL");
  const u: GoURL = { scheme: "", opaque: "", host: "", path: "", rawPath: "", rawQuery: "", fragment: "" };
  if (raw === "*") {
    u.path = "*";
    return u;
  }
  let rest = raw;
  // getScheme: letters first, then letters/digits/+/-/. up to ':'.
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new URLError("missing protocol scheme");
      u.scheme = raw.slice(0, i).toLowerCase();
      rest = raw.slice(i + 1);
    }
    break;
  }
  if (rest.endsWith("?") && rest.split("?").length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf("?");
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith("/")) {
    if (u.scheme !== "") {
      // A rootless path after a scheme is opaque (RFC 3986 §3).
      u.opaque = rest;
      return u;
    }
    if (rest.split("/")[0]!.includes(":"))
      throw new URLError("first path segment in URL cannot contain colon");
  }
  if ((u.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const slash = authority.indexOf("/");
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf("@");
    u.host = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!validUserinfo(userinfo)) throw new URLError("net/url: invalid userinfo");
      unescape(userinfo, "userPassword");
    }
  }
  u.path = unescape(rest, "path");
  u.rawPath = escape(u.path, "path") === rest ? "" : rest;
  return u;
}

/** Go's url.Parse, with errors as `parse "<url>": <reason>`. */
export function goParseURL(raw: string): GoURL {
  const hash = raw.indexOf("#");
  const base = hash >= 0 ? raw.slice(0, hash) : raw;
  let u: GoURL;
  try {
    u = parseWithoutFragment(base);
  } catch (e) {
    if (e instanceof URLError) throw new URLError(`parse ${quote(base)}: ${e.message}`);
    throw e;
  }
  if (hash >= 0) {
    try {
      u.fragment = unescape(raw.slice(hash + 1), "fragment");
    } catch (e) {
      if (e instanceof URLError) throw new URLError(`parse ${quote(raw)}: ${e.message}`);
      throw e;
    }
  }
  return u;
}

/** URL.EscapedPath(): RawPath when the input's encoding was kept, else the path re-escaped. */
export function escapedPath(u: GoURL): string {
  if (u.rawPath !== "") return u.rawPath;
  if (u.path === "*") return "*";
  return escape(u.path, "path");
}

/** URL.Hostname() and URL.Port(). */
function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = "";
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return [host, port];
}

export const uriBuiltins: BuiltinDef[] = [
  {
    name: "uri.parse",
    arity: 1,
    fn: ([s]) => {
      const name = "uri.parse";
      let u: GoURL;
      try {
        u = goParseURL(stringOperand(name, s!, 1));
      } catch (e) {
        if (e instanceof URLError) throw fail(name, e.message);
        throw e;
      }
      const out = new RObject();
      const [hostname, port] = splitHostPort(u.host);
      if (u.scheme !== "") out.set("scheme", u.scheme);
      if (hostname !== "") out.set("hostname", hostname);
      if (port !== "") out.set("port", port);
      if (u.path !== "") {
        out.set("path", u.path);
        out.set("raw_path", u.rawPath !== "" ? u.rawPath : u.path);
      }
      if (u.rawQuery !== "") out.set("raw_query", u.rawQuery);
      if (u.fragment !== "") out.set("fragment", u.fragment);
      return out;
    },
  },
  {
    name: "uri.is_valid",
    arity: 1,
    fn: ([s]) => {
      if (typeof s !== "string" || s === "") return false;
      try {
        goParseURL(s);
        return true;
      } catch (e) {
        if (e instanceof URLError) return false;
        throw e;
      }
    },
  },
];
