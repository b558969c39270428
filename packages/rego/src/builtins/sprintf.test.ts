import { test } from "node:test";
import assert from "node:assert/strict";
import { RObject, RSet, type Value } from "../value/value.ts";
import { sprintfBuiltins } from "./sprintf.ts";
import type { BuiltinContext } from "./types.ts";

const ctx: BuiltinContext = { hooks: { nowNs: () => 0n, random: () => 0 }, strict: true, cache: new Map() };
const sprintf = (format: string, ...args: Value[]): Value | undefined =>
  sprintfBuiltins[0]!.fn([format, args], ctx);

test("%v prints numbers as Go does, composites in Rego syntax", () => {
  assert.equal(sprintf("%v", 18446744073709551618n), "18446744073709551618");
  assert.equal(sprintf("%v", 3.5), "3.5");
  assert.equal(sprintf("%v", 1234567.5), "1.2345675e+06");
  assert.equal(sprintf("%v", 0.00001), "1e-05");
  assert.equal(sprintf("%v", "str"), "str");
  assert.equal(sprintf("%v", true), "true");
  assert.equal(sprintf("%v", null), "null");
  assert.equal(sprintf("%v", [1, "a"]), '[1, "a"]');
  assert.equal(sprintf("%v", RSet.of([2, 1])), "{1, 2}");
  assert.equal(sprintf("%v", new RSet()), "set()");
  assert.equal(sprintf("%v", RObject.fromRecord({ b: 1, a: [] })), '{"a": [], "b": 1}');
});

test("integer verbs, widths, flags", () => {
  assert.equal(sprintf("hi %02d", 5), "hi 05");
  assert.equal(sprintf("hi %02X.%02X", 10, 255), "hi 0A.FF");
  assert.equal(sprintf("%5d|%-5d|%+d", 42, 42, 42), "   42|42   |+42");
  assert.equal(sprintf("%x %o %b %#x %#o", 255, 8, 5, 255, 8), "ff 10 101 0xff 010");
  assert.equal(sprintf("%c%c", 72, 105), "Hi");
  assert.equal(sprintf("%q", 65), "'A'");
  assert.equal(sprintf("%U", 0x1f600), "U+1F600");
  assert.equal(sprintf("%.3d", 7), "007");
  assert.equal(sprintf("%*d", 4, 7), "   7");
});

test("float verbs", () => {
  assert.equal(sprintf("hi %.2f", 3.14159), "hi 3.14");
  assert.equal(sprintf("%f", 1.5), "1.500000");
  assert.equal(sprintf("%e", 1234.5678), "1.234568e+03");
  assert.equal(sprintf("%g", 0.000012345), "1.2345e-05");
  assert.equal(sprintf("%.3g", 3.14159), "3.14");
  assert.equal(sprintf("%8.3f|", -3.14159), "  -3.142|");
  assert.equal(sprintf("%08.3f", -3.14159), "-003.142");
  // Go rounds the exact binary value half to even (JS toFixed rounds half up).
  assert.equal(sprintf("%.2f %.0f %.0f %.1f", 0.125, 2.5, 3.5, 0.25), "0.12 2 4 0.2");
  assert.equal(sprintf("%.30f", 0.1), "0.100000000000000005551115123126");
  assert.equal(sprintf("%.10e", 123456.789), "1.2345678900e+05");
  assert.equal(sprintf("%.3e", 9.9996), "1.000e+01");
  assert.equal((sprintf("%.200f", 0.5) as string).length, 202);
});

test("string verbs", () => {
  assert.equal(sprintf("hi %s", "there"), "hi there");
  assert.equal(sprintf("%q", 'a"b\n'), '"a\\"b\\n"');
  assert.equal(sprintf("%x", "hi"), "6869");
  assert.equal(sprintf("%X", "hi"), "6869");
  assert.equal(sprintf("%.2s|%5s|%-5s|", "abcdef", "ab", "ab"), "ab|   ab|ab   |");
  assert.equal(sprintf("%s", RObject.fromRecord({ a: "b" })), '{"a": "b"}');
  assert.equal(sprintf("%s/%d", "x", 1), "x/1");
});

test("Go's error forms for bad verbs, missing and extra arguments", () => {
  assert.equal(sprintf("%d", "x"), "%!d(string=x)");
  assert.equal(sprintf("%s", 5), "%!s(int=5)");
  assert.equal(sprintf("%d", 1.5), "%!d(float64=1.5)");
  assert.equal(sprintf("%d %d", 1), "1 %!d(MISSING)");
  assert.equal(sprintf("%d", 1, "a"), "1%!(EXTRA string=a)");
  assert.equal(sprintf("100%%"), "100%");
  assert.equal(sprintf("%"), "%!(NOVERB)");
  assert.equal(sprintf("%z", 1), "%!z(int=1)");
  assert.equal(sprintf("%[2]d %[1]d", 1, 2), "2 1");
  assert.equal(sprintf("%T %T %T", 1, 1.5, "s"), "int float64 string");
});
