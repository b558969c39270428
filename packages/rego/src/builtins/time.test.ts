import { test } from "node:test";
import assert from "node:assert/strict";
import { timeBuiltins } from "./time.ts";
import { BuiltinError } from "../errors.ts";
import type { BuiltinContext } from "./types.ts";
import { runLiteralCases } from "./testing/literal-cases.ts";
import type { Value } from "../value/value.ts";

const ctx = (): BuiltinContext => ({
  hooks: { nowNs: () => 1670006453141828752n, random: () => 0.5 },
  strict: true,
  cache: new Map(),
});
const call = (name: string, ...args: Value[]): Value | undefined => {
  const def = timeBuiltins.find((b) => b.name === name);
  assert.ok(def, name);
  return def.fn(args, ctx());
};
const rejects = (code: string, text: string, name: string, ...args: Value[]): void => {
  assert.throws(
    () => call(name, ...args),
    (e: unknown) => e instanceof BuiltinError && e.code === code && e.message.includes(text),
  );
};

test("time.parse_ns with Go layouts and named layouts (conformance time/parse_nanos)", () => {
  const cases: [string, string, number | bigint][] = [
    ["2006-01-02T15:04:05Z07:00", "2017-06-02T19:00:00-07:00", 1496455200000000000n],
    ["2006-01-02T15:04:05Z07:00", "1677-09-21T00:12:43.145224192-00:00", -9223372036854775808n],
    ["2006-01-02T15:04:05Z07:00", "2262-04-11T23:47:16.854775807-00:00", 9223372036854775807n],
    ["01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700", 1496455200000000000n],
    ["02 Jan 06 15:04 -0700", "02 Jun 17 19:00 -0700", 1496455200000000000n],
    ["RFC822Z", "02 Jun 17 19:00 -0700", 1496455200000000000n],
    ["2006-01-02", "2020-02-02", 1580601600000000000n],
    ["Mon Jan _2 15:04:05 MST 2006", "Fri Jun  2 19:00:00 UTC 2017", 1496430000000000000n],
  ];
  for (const [layout, value, want] of cases) {
    assert.equal(BigInt(call("time.parse_ns", layout, value) as bigint), want, `${layout} ${value}`);
  }
  rejects(
    "eval_builtin_error",
    "time outside of valid range",
    "time.parse_ns",
    "2006-01-02T15:04:05Z07:00",
    "1677-09-21T00:12:43.145224191-00:00",
  );
  rejects(
    "eval_builtin_error",
    "time outside of valid range",
    "time.parse_rfc3339_ns",
    "2262-04-11T23:47:16.854775808-00:00",
  );
  rejects(
    "eval_builtin_error",
    'time.parse_ns: parsing time "2020-13-01": month out of range',
    "time.parse_ns",
    "2006-01-02",
    "2020-13-01",
  );
  rejects(
    "eval_builtin_error",
    'parsing time "x" as "2006": cannot parse "x" as "2006"',
    "time.parse_ns",
    "2006",
    "x",
  );
  rejects("eval_builtin_error", 'extra text: "Z"', "time.parse_ns", "2006", "2006Z");
  rejects(
    "eval_type_error",
    "time.parse_ns: operand 2 must be string but got number",
    "time.parse_ns",
    "2006",
    1,
  );
});

test("time.parse_rfc3339_ns and time.parse_duration_ns", () => {
  assert.equal(call("time.parse_rfc3339_ns", "1970-01-01T00:00:00-00:00"), 0);
  assert.equal(call("time.parse_rfc3339_ns", "2017-06-02T19:00:00.5Z"), 1496430000500000000n);
  assert.equal(call("time.parse_duration_ns", "100ms"), 100000000);
  assert.equal(call("time.parse_duration_ns", "1h30m"), 5400000000000);
  assert.equal(call("time.parse_duration_ns", "1d2h"), 93600000000000);
  assert.equal(call("time.parse_duration_ns", "1w"), 604800000000000);
  assert.equal(call("time.parse_duration_ns", "1y"), 31536000000000000n);
  assert.equal(call("time.parse_duration_ns", "-1.5µs"), -1500);
  rejects("eval_builtin_error", 'time: unknown unit "x" in duration "1x"', "time.parse_duration_ns", "1x");
  rejects("eval_builtin_error", 'time: missing unit in duration "1"', "time.parse_duration_ns", "1");
  rejects(
    "eval_builtin_error",
    'time: invalid duration "99999999999999999999h"',
    "time.parse_duration_ns",
    "99999999999999999999h",
  );
});

test("time.date / clock / weekday, with zones and range errors", () => {
  assert.deepEqual(call("time.date", 1517814000000000000), [2018, 2, 5]);
  assert.deepEqual(call("time.date", [1517814000000000000, "America/Los_Angeles"]), [2018, 2, 4]);
  assert.deepEqual(call("time.date", [1517832000000000000, ""]), [2018, 2, 5]);
  assert.deepEqual(call("time.date", 1582977600000000000), [2020, 2, 29]);
  assert.deepEqual(call("time.clock", [1517832000000000000, "America/New_York"]), [7, 0, 0]);
  assert.equal(call("time.weekday", 1517832000000000000), "Monday");
  assert.equal(call("time.weekday", 1518350400000000000), "Sunday");
  rejects("eval_builtin_error", "timestamp too big", "time.date", 1582977600000000000000);
  rejects("eval_builtin_error", "unknown time zone Nowhere/Foo", "time.date", [0, "Nowhere/Foo"]);
  rejects(
    "eval_type_error",
    "time.clock: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string",
    "time.clock",
    "x",
  );
});

test("time.add_date and time.diff", () => {
  assert.equal(call("time.add_date", 1585852421593912000n, 3, 9, 12), 1705257221593912000n);
  assert.equal(call("time.add_date", 1585852421593912000n, -1, -1, -1), 1551465221593912000n);
  rejects("eval_builtin_error", "time outside of valid range", "time.add_date", 0, 2262, 1, 1);
  rejects(
    "eval_builtin_error",
    "time outside of valid range",
    "time.add_date",
    -9223372036854775808n,
    0,
    0,
    -1,
  );
  const p = (s: string): Value => call("time.parse_ns", "2006-01-02", s)!;
  assert.deepEqual(call("time.diff", p("2020-02-02"), p("2020-03-01")), [0, 0, 28, 0, 0, 0]);
  assert.deepEqual(call("time.diff", p("2021-02-02"), p("2021-03-01")), [0, 0, 27, 0, 0, 0]);
  assert.deepEqual(call("time.diff", p("2004-02-29"), p("2005-03-01")), [1, 0, 1, 0, 0, 0]);
  const now = 1670006453141828752n;
  assert.deepEqual(
    call("time.diff", [now + 60000000000n, "UTC"], [now, "Asia/Shanghai"]),
    [0, 0, 0, 0, 1, 0],
  );
});

test("time.format with zones, layouts and constants (conformance time/format)", () => {
  const t = 1670006453141828752n;
  assert.equal(call("time.format", t), "2022-12-02T18:40:53.141828752Z");
  assert.equal(call("time.format", [t, "Asia/Kolkata"]), "2022-12-03T00:10:53.141828752+05:30");
  assert.equal(
    call("time.format", [t, "Asia/Kolkata", "Mon Jan 02 15:04:05 -0700 2006"]),
    "Sat Dec 03 00:10:53 +0530 2022",
  );
  assert.equal(call("time.format", [t, "Asia/Kolkata", "RFC1123Z"]), "Sat, 03 Dec 2022 00:10:53 +0530");
  assert.equal(
    call("time.format", [t, "America/New_York", "Monday January _2 3:4:5.000 pm MST 002"]),
    "Friday December  2 1:40:53.141 pm EST 336",
  );
  rejects("eval_builtin_error", "timestamp too big", "time.format", 1582977600 * 10e12);
});

test("day-of-year layouts", () => {
  assert.equal(
    call("time.parse_ns", "2006-002", "2020-060"),
    call("time.parse_ns", "2006-01-02", "2020-02-29"),
  );
  rejects(
    "eval_builtin_error",
    "day-of-year does not match month",
    "time.parse_ns",
    "2006-01 002",
    "2020-03 060",
  );
  assert.equal(call("time.format", [1582977600000000000n, "UTC", "__2 002"]), " 60 060");
});

test("time conformance cases that are single literal calls", () => {
  const r = runLiteralCases(["time"], timeBuiltins, () => ctx());
  assert.deepEqual(r.failures, []);
  assert.ok(r.pass >= 7, `only ${r.pass} ran`);
});

test("time.now_ns is read once per query", () => {
  const c = ctx();
  let calls = 0n;
  c.hooks.nowNs = () => ++calls;
  const def = timeBuiltins.find((b) => b.name === "time.now_ns")!;
  assert.equal(def.fn([], c), 1);
  assert.equal(def.fn([], c), 1);
});

test("zone abbreviations for the MST layout element", () => {
  const t = 1670006453141828752n;
  const mst = (zone: string): Value | undefined => call("time.format", [t, zone, "MST"]);
  assert.equal(mst("UTC"), "UTC");
  assert.equal(mst("America/New_York"), "EST");
  assert.equal(mst("Europe/Berlin"), "CET");
  assert.equal(mst("Asia/Kolkata"), "IST");
  assert.equal(mst("America/Sao_Paulo"), "-03");
});
