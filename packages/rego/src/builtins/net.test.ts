import { test } from "node:test";
import assert from "node:assert/strict";
import { netBuiltins } from "./net.ts";
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, toJSONText, type Value } from "../value/index.ts";
import type { BuiltinContext } from "./types.ts";

const ctx = (): BuiltinContext => ({
  hooks: { nowNs: () => 0n, random: () => 0.5 },
  strict: true,
  cache: new Map(),
});
const call = (name: string, ...args: Value[]): Value | undefined =>
  netBuiltins.find((b) => b.name === name)!.fn(args, ctx());
const json = (v: Value | undefined): string => toJSONText(v!);
const rejects = (text: string, name: string, ...args: Value[]): void =>
  assert.throws(
    () => call(name, ...args),
    (e: unknown) => e instanceof BuiltinError && e.message.includes(text),
  );

test("net.cidr_contains: addresses and networks, IPv4 and IPv6", () => {
  assert.equal(call("net.cidr_contains", "10.0.0.0/8", "10.1.2.3"), true);
  assert.equal(call("net.cidr_contains", "10.0.0.0/8", "11.1.2.3"), false);
  assert.equal(call("net.cidr_contains", "10.0.0.0/8", "10.1.0.0/16"), true);
  assert.equal(call("net.cidr_contains", "10.0.0.0/16", "10.0.0.0/8"), false);
  assert.equal(call("net.cidr_contains", "2001:4860::/32", "2001:4860:4860::8888"), true);
  assert.equal(call("net.cidr_contains", "2001:4860::/32", "10.0.0.1"), false);
  assert.equal(call("net.cidr_contains", "10.0.0.0/8", "::ffff:10.0.0.1"), true);
  rejects(
    "net.cidr_contains: invalid CIDR address: not-a-cidr",
    "net.cidr_contains",
    "not-a-cidr",
    "192.168.1.67",
  );
  rejects(
    "not a valid textual representation of an IP address or CIDR: x",
    "net.cidr_contains",
    "10.0.0.0/8",
    "x",
  );
  rejects("invalid CIDR address: 1.2.3.04/8", "net.cidr_contains", "1.2.3.04/8", "1.2.3.4");
});

test("net.cidr_intersects and cidr_is_valid", () => {
  assert.equal(call("net.cidr_intersects", "192.168.1.0/25", "192.168.1.64/25"), true);
  assert.equal(call("net.cidr_intersects", "192.168.1.0/25", "192.168.1.128/25"), false);
  assert.equal(
    call("net.cidr_intersects", "fd1e:5bfe:8af3:9ddc::/64", "fd1e:5bfe:8af3:9ddc:1111::/72"),
    true,
  );
  assert.equal(call("net.cidr_is_valid", "2002::1234:abcd:ffff:c0a8:101/64"), true);
  assert.equal(call("net.cidr_is_valid", "192.168.1.2"), false);
  assert.equal(call("net.cidr_is_valid", "192.168.1.0/33"), false);
  assert.equal(call("net.cidr_is_valid", 7), false);
});

test("net.cidr_contains_matches: strings, arrays, sets and objects", () => {
  const r = call(
    "net.cidr_contains_matches",
    ["1.1.1.0/24", "1.1.2.0/24"],
    RObject.fromRecord({ x: "1.1.1.128", y: ["1.1.254.1", "more"] }),
  );
  assert.equal(json(r), '[[0,"x"]]');
  assert.equal(
    json(call("net.cidr_contains_matches", "1.1.1.0/24", RSet.of(["1.1.1.1", "2.2.2.2"]))),
    '[["1.1.1.0/24","1.1.1.1"]]',
  );
  rejects(
    "net.cidr_contains_matches: operand 2: element must be string or non-empty array",
    "net.cidr_contains_matches",
    "1.1.1.0/24",
    [[]],
  );
});

test("net.cidr_expand enumerates, rejects bad masks and is bounded", () => {
  assert.equal(
    json(call("net.cidr_expand", "192.168.1.1/30")),
    '["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"]',
  );
  assert.equal(json(call("net.cidr_expand", "2001:db8::/127")), '["2001:db8::","2001:db8::1"]');
  rejects("net.cidr_expand: invalid CIDR address: 192.168.1.1/33", "net.cidr_expand", "192.168.1.1/33");
  assert.throws(
    () => call("net.cidr_expand", "10.0.0.0/8"),
    (e: unknown) => e instanceof BuiltinError && e.code === "eval_limit_error" && e.halt,
  );
});

test("net.cidr_merge (conformance netcidrmerge)", () => {
  const merge = (...xs: string[]): string => json(call("net.cidr_merge", xs));
  assert.equal(merge("192.0.128.0/24", "192.0.129.0/24"), '["192.0.128.0/23"]');
  assert.equal(merge("192.0.128.0/24", "0.0.0.0/0"), '["0.0.0.0/0"]');
  assert.equal(
    merge("192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31"),
    '["192.0.2.112/30","192.0.2.116/32","192.0.2.118/31"]',
  );
  assert.equal(
    merge("192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31"),
    '["192.0.2.112/31","192.0.2.116/30"]',
  );
  assert.equal(merge("192.0.2.112", "192.0.2.116/31", "192.0.2.118/31"), '["192.0.2.0/24"]');
  assert.equal(merge("192.0.128.0", "192.0.129.0"), '["192.0.128.0/23"]');
  assert.equal(merge("::/0", "::192.0.2.0/124", "ff00::101/128"), '["::/0"]');
  assert.equal(
    merge("fe80::/120", "192.0.2.0/24", "192.0.3.0/24", "192.0.4.0/25", "192.0.4.128/25"),
    '["192.0.2.0/23","192.0.4.0/24","fe80::/120"]',
  );
  assert.equal(
    merge("2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"),
    '["2601:600:8a80:207e::/64"]',
  );
  assert.equal(merge(), "[]");
  rejects("net.cidr_merge: IPv6 invalid: needs prefix length", "net.cidr_merge", [
    "2601:600:8a80:207e:a57d:7567:e2c9:e7b3",
  ]);
  rejects("net.cidr_merge: invalid CIDR address: foo", "net.cidr_merge", ["foo"]);
});

test("net.lookup_ip_addr: literals, localhost, and the host hook", () => {
  assert.equal(json(call("net.lookup_ip_addr", "10.0.0.0")), '["10.0.0.0"]');
  assert.equal(json(call("net.lookup_ip_addr", "::")), '["::"]');
  assert.equal(json(call("net.lookup_ip_addr", "localhost")), '["127.0.0.1","::1"]');
  rejects("no DNS resolver", "net.lookup_ip_addr", "example.com");
  const c = ctx();
  c.hooks.lookupIPAddr = (n) => (n === "example.com" ? ["93.184.215.14"] : []);
  assert.equal(
    json(netBuiltins.find((b) => b.name === "net.lookup_ip_addr")!.fn(["example.com"], c)),
    '["93.184.215.14"]',
  );
});
