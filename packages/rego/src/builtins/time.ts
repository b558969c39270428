/**
 * time.* builtins (OPA v1/topdown/time.go). Instants are int64 nanoseconds since the Unix epoch, so they
 * are handled as bigint; results outside int64 fail with OPA's "time outside of valid range".
 */
import { operandTypeError } from "../errors.ts";
import { typeName, type Value } from "../value/value.ts";
import { formatTime, LayoutParseError, LONG_DAYS, NAMED_LAYOUTS, parseTime } from "./golayout.ts";
import { fail, intOperand, intValue, numberOperand, stringOperand } from "./operands-b.ts";
import { civil, daysIn, fromCivil, loadZone, UnknownZoneError, UTC, type Zone } from "./time/civil.ts";
import { DurationError, parseDuration } from "./time/duration.ts";
import type { BuiltinContext, BuiltinDef } from "./types.ts";

// time.Unix(0, math.MinInt64) .. time.Unix(0, math.MaxInt64): the instants an int64 of ns can hold.
const MIN_NS = -(1n << 63n);
const MAX_NS = (1n << 63n) - 1n;

function safeUnixNano(name: string, ns: bigint): number | bigint {
  if (ns < MIN_NS || ns > MAX_NS) throw fail(name, "time outside of valid range");
  return intValue(ns);
}

/** Runs a Go-time operation, turning its errors into OPA's "<name>: <go error>" builtin errors. */
function goTime<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof LayoutParseError || e instanceof DurationError || e instanceof UnknownZoneError) {
      throw fail(name, e.message);
    }
    throw e;
  }
}

/** Number → exact int64 ns, as OPA's tzTime: `NumberToFloat(n).Int64()` must be exact. */
function nsOf(name: string, n: number | bigint): bigint {
  if (typeof n === "bigint") {
    if (n < MIN_NS || n > MAX_NS) throw fail(name, "timestamp too big");
    return n;
  }
  if (!Number.isInteger(n)) throw fail(name, "timestamp too big");
  const b = BigInt(n);
  if (b < MIN_NS || b > MAX_NS) throw fail(name, "timestamp too big");
  return b;
}

const TZ_OPERAND = "either number (ns) or [number (ns), string (tz)]";

/** OPA's tzTime: `ns` or `[ns, tz]` or `[ns, tz, layout]`. */
function tzTime(name: string, a: Value): { ns: bigint; zone: Zone; layout: string } {
  let n: Value;
  let zone: Zone = UTC;
  let layout = "";
  if (Array.isArray(a)) {
    if (a.length === 0) throw operandTypeError(name, 1, TZ_OPERAND, typeName(a));
    n = numberOperand(name, a[0]!, 1);
    if (a.length > 1) {
      const tz = stringOperand(name, a[1]!, 1);
      zone = goTime(name, () => loadZone(tz));
    }
    if (a.length > 2) layout = stringOperand(name, a[2]!, 1);
  } else if (typeof a === "number" || typeof a === "bigint") {
    n = a;
  } else {
    throw operandTypeError(name, 1, TZ_OPERAND, typeName(a));
  }
  return { ns: nsOf(name, n as number | bigint), zone, layout };
}

const NOW_KEY = "time.now_ns";

function nowNs(ctx: BuiltinContext): bigint {
  // OPA captures the time once per query (bctx.Time): every call within a query sees the same value.
  let now = ctx.cache.get(NOW_KEY) as bigint | undefined;
  if (now === undefined) {
    now = ctx.hooks.nowNs();
    ctx.cache.set(NOW_KEY, now);
  }
  return now;
}

/** icza/gox's date difference, as OPA's time.diff: [years, months, days, hours, minutes, seconds]. */
function diff(a: { ns: bigint; zone: Zone }, b: { ns: bigint; zone: Zone }): number[] {
  // Both in the first operand's zone, earlier one first.
  const [t1, t2] = a.ns > b.ns ? [b.ns, a.ns] : [a.ns, b.ns];
  const c1 = civil(t1, a.zone);
  const c2 = civil(t2, a.zone);
  let year = c2.year - c1.year;
  let month = c2.month - c1.month;
  let day = c2.day - c1.day;
  let hour = c2.hour - c1.hour;
  let min = c2.minute - c1.minute;
  let sec = c2.second - c1.second;
  if (sec < 0) {
    sec += 60;
    min--;
  }
  if (min < 0) {
    min += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    // Days in c1's month: Go normalises day 32 of that month and subtracts.
    day += daysIn(c1.month, c1.year);
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, min, sec];
}

export const timeBuiltins: BuiltinDef[] = [
  {
    name: "time.now_ns",
    arity: 0,
    nondeterministic: true,
    fn: (_args, ctx) => intValue(nowNs(ctx)),
  },
  {
    name: "time.parse_ns",
    arity: 2,
    fn: ([layoutArg, valueArg]) => {
      const name = "time.parse_ns";
      let layout = stringOperand(name, layoutArg!, 1);
      const value = stringOperand(name, valueArg!, 2);
      layout = NAMED_LAYOUTS[layout] ?? layout;
      return safeUnixNano(
        name,
        goTime(name, () => parseTime(layout, value)),
      );
    },
  },
  {
    name: "time.parse_rfc3339_ns",
    arity: 1,
    fn: ([valueArg]) => {
      const name = "time.parse_rfc3339_ns";
      const value = stringOperand(name, valueArg!, 1);
      return safeUnixNano(
        name,
        goTime(name, () => parseTime(NAMED_LAYOUTS.RFC3339!, value)),
      );
    },
  },
  {
    name: "time.parse_duration_ns",
    arity: 1,
    fn: ([d]) => {
      const name = "time.parse_duration_ns";
      const text = stringOperand(name, d!, 1);
      return intValue(goTime(name, () => parseDuration(text)));
    },
  },
  {
    name: "time.format",
    arity: 1,
    fn: ([x]) => {
      const name = "time.format";
      const t = tzTime(name, x!);
      const layout = t.layout === "" ? NAMED_LAYOUTS.RFC3339Nano! : (NAMED_LAYOUTS[t.layout] ?? t.layout);
      return formatTime(t.ns, t.zone, layout);
    },
  },
  {
    name: "time.date",
    arity: 1,
    fn: ([x]) => {
      const t = tzTime("time.date", x!);
      const c = civil(t.ns, t.zone);
      return [c.year, c.month, c.day];
    },
  },
  {
    name: "time.clock",
    arity: 1,
    fn: ([x]) => {
      const t = tzTime("time.clock", x!);
      const c = civil(t.ns, t.zone);
      return [c.hour, c.minute, c.second];
    },
  },
  {
    name: "time.weekday",
    arity: 1,
    fn: ([x]) => {
      const t = tzTime("time.weekday", x!);
      return LONG_DAYS[civil(t.ns, t.zone).weekday]!;
    },
  },
  {
    name: "time.add_date",
    arity: 4,
    fn: ([x, y, m, d]) => {
      const name = "time.add_date";
      const t = tzTime(name, x!);
      const years = intOperand(name, y!, 2);
      const months = intOperand(name, m!, 3);
      const days = intOperand(name, d!, 4);
      const c = civil(t.ns, t.zone);
      // Far-out arguments cannot land inside the int64 range; reject them before float arithmetic.
      const LIMIT = 10_000_000n;
      if (
        years > LIMIT ||
        years < -LIMIT ||
        months > 12n * LIMIT ||
        months < -12n * LIMIT ||
        days > 400n * LIMIT ||
        days < -400n * LIMIT
      ) {
        throw fail(name, "time outside of valid range");
      }
      const ns = fromCivil(
        c.year + Number(years),
        c.month + Number(months),
        c.day + Number(days),
        c.hour,
        c.minute,
        c.second,
        c.nanosecond,
        t.zone,
      );
      return safeUnixNano(name, ns);
    },
  },
  {
    name: "time.diff",
    arity: 2,
    fn: ([a, b]) => diff(tzTime("time.diff", a!), tzTime("time.diff", b!)),
  },
];
