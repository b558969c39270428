/**
 * Go reference-time layouts ("Mon Jan 2 15:04:05 MST 2006"), parsed and formatted exactly as Go's
 * time.Parse and Time.Format do (go/src/time/format.go: nextStdChunk, AppendFormat, parse), since OPA's
 * time.parse_ns and time.format hand their layouts to Go unchanged, error messages included.
 */
import { civil, daysIn, fixedZone, fromCivil, isLeap, UTC, type Zone } from "./time/civil.ts";

/** The layout elements of format.go (std* constants). */
type Std =
  | "LongMonth"
  | "Month"
  | "NumMonth"
  | "ZeroMonth"
  | "LongWeekDay"
  | "WeekDay"
  | "Day"
  | "UnderDay"
  | "ZeroDay"
  | "UnderYearDay"
  | "ZeroYearDay"
  | "Hour"
  | "Hour12"
  | "ZeroHour12"
  | "Minute"
  | "ZeroMinute"
  | "Second"
  | "ZeroSecond"
  | "LongYear"
  | "Year"
  | "PM"
  | "pm"
  | "TZ"
  | "ISO8601TZ"
  | "ISO8601SecondsTZ"
  | "ISO8601ShortTZ"
  | "ISO8601ColonTZ"
  | "ISO8601ColonSecondsTZ"
  | "NumTZ"
  | "NumSecondsTz"
  | "NumShortTZ"
  | "NumColonTZ"
  | "NumColonSecondsTZ"
  | "FracSecond0"
  | "FracSecond9";

interface Chunk {
  prefix: string;
  std: Std | undefined;
  /** The layout text of the element (for error messages). */
  stdText: string;
  /** Fractional seconds: digit count and separator. */
  digits: number;
  separator: string;
  suffix: string;
}

/** Named layouts OPA accepts in place of a layout string (v1/topdown/time.go acceptedTimeFormats). */
export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: "Mon Jan _2 15:04:05 2006",
  UnixDate: "Mon Jan _2 15:04:05 MST 2006",
  RubyDate: "Mon Jan 02 15:04:05 -0700 2006",
  RFC822: "02 Jan 06 15:04 MST",
  RFC822Z: "02 Jan 06 15:04 -0700",
  RFC850: "Monday, 02-Jan-06 15:04:05 MST",
  RFC1123: "Mon, 02 Jan 2006 15:04:05 MST",
  RFC1123Z: "Mon, 02 Jan 2006 15:04:05 -0700",
  RFC3339: "2006-01-02T15:04:05Z07:00",
  RFC3339Nano: "2006-01-02T15:04:05.999999999Z07:00",
};

const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const short = (names: string[]): string[] => names.map((n) => n.slice(0, 3));
const SHORT_MONTHS = short(LONG_MONTHS);
const SHORT_DAYS = short(LONG_DAYS);
export { LONG_DAYS };

const TZ_ELEMENTS: [string, Std][] = [
  ["-070000", "NumSecondsTz"],
  ["-07:00:00", "NumColonSecondsTZ"],
  ["-0700", "NumTZ"],
  ["-07:00", "NumColonTZ"],
  ["-07", "NumShortTZ"],
];
const ISO_ELEMENTS: [string, Std][] = [
  ["Z070000", "ISO8601SecondsTZ"],
  ["Z07:00:00", "ISO8601ColonSecondsTZ"],
  ["Z0700", "ISO8601TZ"],
  ["Z07:00", "ISO8601ColonTZ"],
  ["Z07", "ISO8601ShortTZ"],
];

const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= "0" && s[i]! <= "9";
const startsWithLower = (s: string): boolean => s.length > 0 && s[0]! >= "a" && s[0]! <= "z";

/** Go's nextStdChunk: the literal prefix, the next layout element, and the rest. */
function nextChunk(layout: string): Chunk {
  const found = (i: number, len: number, std: Std, digits = 0): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    stdText: layout.slice(i, i + len),
    digits,
    separator: layout[i]!,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const rest = layout.slice(i);
    switch (c) {
      case "J":
        if (rest.startsWith("Jan")) {
          if (rest.startsWith("January")) return found(i, 7, "LongMonth");
          if (!startsWithLower(rest.slice(3))) return found(i, 3, "Month");
        }
        break;
      case "M":
        if (rest.startsWith("Mon")) {
          if (rest.startsWith("Monday")) return found(i, 6, "LongWeekDay");
          if (!startsWithLower(rest.slice(3))) return found(i, 3, "WeekDay");
        }
        if (rest.startsWith("MST")) return found(i, 3, "TZ");
        break;
      case "0": {
        const n = rest[1];
        if (n !== undefined && n >= "1" && n <= "6") {
          const std: Std[] = ["ZeroMonth", "ZeroDay", "ZeroHour12", "ZeroMinute", "ZeroSecond", "Year"];
          return found(i, 2, std[n.charCodeAt(0) - 49]!);
        }
        if (rest.startsWith("002")) return found(i, 3, "ZeroYearDay");
        break;
      }
      case "1":
        if (rest[1] === "5") return found(i, 2, "Hour");
        return found(i, 1, "NumMonth");
      case "2":
        if (rest.startsWith("2006")) return found(i, 4, "LongYear");
        return found(i, 1, "Day");
      case "_":
        if (rest[1] === "2") {
          // "_2006" is a literal "_" followed by the long year.
          if (rest.startsWith("_2006"))
            return { ...found(i + 1, 4, "LongYear"), prefix: layout.slice(0, i + 1) };
          return found(i, 2, "UnderDay");
        }
        if (rest.startsWith("__2")) return found(i, 3, "UnderYearDay");
        break;
      case "3":
        return found(i, 1, "Hour12");
      case "4":
        return found(i, 1, "Minute");
      case "5":
        return found(i, 1, "Second");
      case "P":
        if (rest[1] === "M") return found(i, 2, "PM");
        break;
      case "p":
        if (rest[1] === "m") return found(i, 2, "pm");
        break;
      case "-":
        for (const [text, std] of TZ_ELEMENTS) if (rest.startsWith(text)) return found(i, text.length, std);
        break;
      case "Z":
        for (const [text, std] of ISO_ELEMENTS) if (rest.startsWith(text)) return found(i, text.length, std);
        break;
      case ".":
      case ",":
        if (rest[1] === "0" || rest[1] === "9") {
          const ch = rest[1];
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          // Only a fractional second if the run of digits ends the number.
          if (!isDigitAt(layout, j)) {
            return found(i, j - i, ch === "0" ? "FracSecond0" : "FracSecond9", j - (i + 1));
          }
        }
        break;
    }
  }
  return { prefix: layout, std: undefined, stdText: "", digits: 0, separator: "", suffix: "" };
}

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? "-" + s : s;
};

/** Time.Format: formats an instant (ns since epoch) in a zone with a Go layout. */
export function formatTime(ns: bigint, zone: Zone, layout: string): string {
  const t = civil(ns, zone);
  let out = "";
  let rest = layout;
  while (rest !== "") {
    const chunk = nextChunk(rest);
    out += chunk.prefix;
    if (chunk.std === undefined) break;
    rest = chunk.suffix;
    switch (chunk.std) {
      case "Year":
        out += pad(((t.year % 100) + 100) % 100, 2);
        break;
      case "LongYear":
        out += pad(t.year, 4);
        break;
      case "Month":
        out += SHORT_MONTHS[t.month - 1];
        break;
      case "LongMonth":
        out += LONG_MONTHS[t.month - 1];
        break;
      case "NumMonth":
        out += String(t.month);
        break;
      case "ZeroMonth":
        out += pad(t.month, 2);
        break;
      case "WeekDay":
        out += SHORT_DAYS[t.weekday];
        break;
      case "LongWeekDay":
        out += LONG_DAYS[t.weekday];
        break;
      case "Day":
        out += String(t.day);
        break;
      case "UnderDay":
        out += (t.day < 10 ? " " : "") + String(t.day);
        break;
      case "ZeroDay":
        out += pad(t.day, 2);
        break;
      case "UnderYearDay":
        out += String(t.yearDay).padStart(3, " ");
        break;
      case "ZeroYearDay":
        out += pad(t.yearDay, 3);
        break;
      case "Hour":
        out += pad(t.hour, 2);
        break;
      case "Hour12":
        out += String(t.hour % 12 === 0 ? 12 : t.hour % 12);
        break;
      case "ZeroHour12":
        out += pad(t.hour % 12 === 0 ? 12 : t.hour % 12, 2);
        break;
      case "Minute":
        out += String(t.minute);
        break;
      case "ZeroMinute":
        out += pad(t.minute, 2);
        break;
      case "Second":
        out += String(t.second);
        break;
      case "ZeroSecond":
        out += pad(t.second, 2);
        break;
      case "PM":
        out += t.hour >= 12 ? "PM" : "AM";
        break;
      case "pm":
        out += t.hour >= 12 ? "pm" : "am";
        break;
      case "TZ":
        if (t.abbreviation !== "") out += t.abbreviation;
        else out += formatOffset(t.offset, false, false, false);
        break;
      case "FracSecond0":
        out += chunk.separator + String(t.nanosecond).padStart(9, "0").slice(0, chunk.digits);
        break;
      case "FracSecond9": {
        const digits = String(t.nanosecond).padStart(9, "0").slice(0, chunk.digits).replace(/0+$/, "");
        if (digits !== "") out += chunk.separator + digits;
        break;
      }
      default: {
        // Numeric and ISO 8601 offsets; ISO prints "Z" for UTC.
        const std = chunk.std;
        if (std.startsWith("ISO") && t.offset === 0) {
          out += "Z";
          break;
        }
        out += formatOffset(t.offset, std.includes("Colon"), std.includes("Short"), std.includes("Seconds"));
      }
    }
  }
  return out;
}

function formatOffset(offset: number, colon: boolean, shortForm: boolean, seconds: boolean): string {
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  let s = sign + pad(Math.floor(abs / 3600), 2);
  if (!shortForm) s += (colon ? ":" : "") + pad(Math.floor((abs % 3600) / 60), 2);
  if (seconds) s += (colon ? ":" : "") + pad(abs % 60, 2);
  return s;
}

/** A failed parse, with Go's ParseError text. */
export class LayoutParseError extends Error {}

const goQuote = (s: string): string => JSON.stringify(s);

function getnum(value: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(value, 0)) return undefined;
  if (!isDigitAt(value, 1)) {
    if (fixed) return undefined;
    return [Number(value[0]), value.slice(1)];
  }
  return [Number(value.slice(0, 2)), value.slice(2)];
}

function getnum3(value: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(value, i); i++) n = n * 10 + Number(value[i]);
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, value.slice(i)];
}

function lookupName(names: string[], value: string): [number, string] | undefined {
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (value.length >= name.length && value.slice(0, name.length).toLowerCase() === name.toLowerCase()) {
      return [i, value.slice(name.length)];
    }
  }
  return undefined;
}

/** Go's skip: literal layout text must match, with runs of spaces matching runs of spaces. */
function skip(value: string, prefix: string): string | undefined {
  while (prefix.length > 0) {
    if (prefix[0] === " ") {
      if (value.length > 0 && value[0] !== " ") return undefined;
      prefix = prefix.replace(/^ +/, "");
      value = value.replace(/^ +/, "");
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return undefined;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of value, or 0. */
function timeZoneLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.length >= 4 && (value.startsWith("ChST") || value.startsWith("MeST"))) return 4;
  if (value.startsWith("GMT")) return 3 + signedOffsetLength(value.slice(3));
  if (value[0] === "+" || value[0] === "-") return signedOffsetLength(value);
  let n = 0;
  while (n < value.length && value[n]! >= "A" && value[n]! <= "Z") n++;
  switch (n) {
    case 0:
    case 1:
    case 2:
      return 0;
    case 3:
      return 3;
    case 4:
      return value[3] === "T" || value.startsWith("WITA") ? 4 : 0;
    case 5:
      return value[4] === "T" ? 5 : 0;
    default:
      return 0;
  }
}

function signedOffsetLength(value: string): number {
  const m = /^[+-](\d{1,2})/.exec(value);
  if (!m || Number(m[1]) > 23) return 0;
  return m[0].length;
}

/** time.Parse(layout, value): the instant in ns, with Go's errors. Default location: UTC. */
export function parseTime(layout: string, value: string): bigint {
  const alayout = layout;
  const avalue = value;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let zoneOffset: number | undefined;
  let zoneName = "";
  let zoneIsUTC = false;

  const bad = (valueElem: string, layoutElem: string, message = ""): LayoutParseError =>
    new LayoutParseError(
      message === ""
        ? `parsing time ${goQuote(avalue)} as ${goQuote(alayout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`
        : `parsing time ${goQuote(avalue)}${message}`,
    );

  for (;;) {
    const chunk = nextChunk(layout);
    const stdstr = chunk.stdText;
    const skipped = skip(value, chunk.prefix);
    if (skipped === undefined) throw bad(value, chunk.prefix);
    value = skipped;
    if (chunk.std === undefined) {
      if (value.length !== 0) throw bad(value, "", `: extra text: ${goQuote(value)}`);
      break;
    }
    layout = chunk.suffix;
    const hold = value;
    let rangeErr = "";
    let ok = true;
    const take = (r: [number, string] | undefined): number => {
      if (r === undefined) {
        ok = false;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (chunk.std) {
      case "Year": {
        if (value.length < 2 || !isDigitAt(value, 0) || !isDigitAt(value, 1)) {
          ok = false;
          break;
        }
        const p = Number(value.slice(0, 2));
        value = value.slice(2);
        year = p >= 69 ? p + 1900 : p + 2000;
        break;
      }
      case "LongYear":
        if (value.length < 4 || ![0, 1, 2, 3].every((i) => isDigitAt(value, i))) {
          ok = false;
          break;
        }
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case "Month":
      case "LongMonth":
        month = take(lookupName(chunk.std === "Month" ? SHORT_MONTHS : LONG_MONTHS, value)) + 1;
        break;
      case "NumMonth":
      case "ZeroMonth":
        month = take(getnum(value, chunk.std === "ZeroMonth"));
        if (ok && (month <= 0 || month > 12)) rangeErr = "month";
        break;
      case "WeekDay":
      case "LongWeekDay":
        take(lookupName(chunk.std === "WeekDay" ? SHORT_DAYS : LONG_DAYS, value));
        break;
      case "Day":
      case "UnderDay":
      case "ZeroDay":
        if (chunk.std === "UnderDay" && value.length > 0 && value[0] === " ") value = value.slice(1);
        day = take(getnum(value, chunk.std === "ZeroDay"));
        // Day range is checked below, once the month and year are known.
        break;
      case "UnderYearDay":
      case "ZeroYearDay":
        for (let i = 0; i < 2; i++)
          if (chunk.std === "UnderYearDay" && value[0] === " ") value = value.slice(1);
        yday = take(getnum3(value, chunk.std === "ZeroYearDay"));
        if (ok && (yday < 1 || yday > 366)) rangeErr = "day-of-year";
        break;
      case "Hour":
        hour = take(getnum(value, false));
        if (ok && (hour < 0 || hour >= 24)) rangeErr = "hour";
        break;
      case "Hour12":
      case "ZeroHour12":
        hour = take(getnum(value, chunk.std === "ZeroHour12"));
        if (ok && (hour < 0 || hour > 12)) rangeErr = "hour";
        break;
      case "Minute":
      case "ZeroMinute":
        min = take(getnum(value, chunk.std === "ZeroMinute"));
        if (ok && (min < 0 || min >= 60)) rangeErr = "minute";
        break;
      case "Second":
      case "ZeroSecond": {
        sec = take(getnum(value, chunk.std === "ZeroSecond"));
        if (!ok) break;
        if (sec < 0 || sec >= 60) {
          rangeErr = "second";
          break;
        }
        // A fractional second in the value but not in the layout is accepted (format.go).
        if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigitAt(value, 1)) {
          const next = nextChunk(layout).std;
          if (next === "FracSecond0" || next === "FracSecond9") break;
          let n = 2;
          while (n < value.length && isDigitAt(value, n)) n++;
          nsec = parseNanoseconds(value.slice(0, n));
          value = value.slice(n);
        }
        break;
      }
      case "PM":
      case "pm": {
        const text = value.slice(0, 2);
        const [pm, am] = chunk.std === "PM" ? ["PM", "AM"] : ["pm", "am"];
        if (value.length < 2) ok = false;
        else if (text === pm) pmSet = true;
        else if (text === am) amSet = true;
        else ok = false;
        if (ok) value = value.slice(2);
        break;
      }
      case "TZ": {
        if (value.startsWith("UTC")) {
          zoneIsUTC = true;
          value = value.slice(3);
          break;
        }
        const n = timeZoneLength(value);
        if (n === 0) {
          ok = false;
          break;
        }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case "FracSecond0": {
        const ndigit = 1 + chunk.digits;
        if (value.length < ndigit || (value[0] !== "." && value[0] !== ",")) {
          ok = false;
          break;
        }
        const digits = value.slice(1, ndigit);
        if (!/^\d*$/.test(digits)) {
          ok = false;
          break;
        }
        nsec = parseNanoseconds(value.slice(0, ndigit));
        value = value.slice(ndigit);
        break;
      }
      case "FracSecond9": {
        if (value.length < 2 || (value[0] !== "." && value[0] !== ",") || !isDigitAt(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
        nsec = parseNanoseconds(value.slice(0, 1 + i));
        value = value.slice(1 + i);
        break;
      }
      default: {
        const std = chunk.std;
        if (std.startsWith("ISO") && value.length >= 1 && value[0] === "Z") {
          value = value.slice(1);
          zoneIsUTC = true;
          break;
        }
        const parsed = parseNumericOffset(std, value);
        if (parsed === undefined) {
          ok = false;
          break;
        }
        if (parsed.rangeErr !== "") {
          rangeErr = parsed.rangeErr;
          break;
        }
        zoneOffset = parsed.offset;
        value = parsed.rest;
      }
    }
    if (rangeErr !== "") throw bad(hold, stdstr, `: ${rangeErr} out of range`);
    if (!ok) throw bad(hold, stdstr);
  }

  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    // Go: the day of the year determines month and day, and must agree with any parsed ones.
    if (yday > (isLeap(year) ? 366 : 365)) throw bad(value, "", ": day-of-year out of range");
    let m = 1;
    let rem = yday;
    while (rem > daysIn(m, year)) rem -= daysIn(m++, year);
    if (month >= 0 && month !== m) throw bad(value, "", ": day-of-year does not match month");
    if (day >= 0 && day !== rem) throw bad(value, "", ": day-of-year does not match day");
    month = m;
    day = rem;
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysIn(month, year)) throw bad(value, "", ": day out of range");

  let zone: Zone = UTC;
  if (zoneIsUTC) zone = UTC;
  else if (zoneOffset !== undefined) zone = fixedZone("", zoneOffset);
  else if (zoneName !== "") {
    // Go: a "GMT+h" abbreviation carries an offset; other unknown abbreviations get offset 0.
    const gmt = /^GMT([+-]\d{1,2})$/.exec(zoneName);
    zone = fixedZone(zoneName, gmt ? Number(gmt[1]) * 3600 : 0);
  }
  return fromCivil(year, month, day, hour, min, sec, nsec, zone);
}

/** ".123" → 123000000 (Go's parseNanoseconds: up to 9 significant digits, extra digits truncated). */
function parseNanoseconds(text: string): number {
  const digits = text.slice(1, 10).padEnd(9, "0");
  return Number(digits);
}

function parseNumericOffset(
  std: Std,
  value: string,
): { offset: number; rest: string; rangeErr: string } | undefined {
  let sign: string;
  let hh: string;
  let mm = "00";
  let ss = "00";
  let rest: string;
  if (std === "ISO8601ColonTZ" || std === "NumColonTZ") {
    if (value.length < 6 || value[3] !== ":") return undefined;
    [sign, hh, mm, rest] = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(6)];
  } else if (std === "NumShortTZ" || std === "ISO8601ShortTZ") {
    if (value.length < 3) return undefined;
    [sign, hh, rest] = [value[0]!, value.slice(1, 3), value.slice(3)];
  } else if (std === "ISO8601ColonSecondsTZ" || std === "NumColonSecondsTZ") {
    if (value.length < 9 || value[3] !== ":" || value[6] !== ":") return undefined;
    [sign, hh, mm, ss, rest] = [
      value[0]!,
      value.slice(1, 3),
      value.slice(4, 6),
      value.slice(7, 9),
      value.slice(9),
    ];
  } else if (std === "ISO8601SecondsTZ" || std === "NumSecondsTz") {
    if (value.length < 7) return undefined;
    [sign, hh, mm, ss, rest] = [
      value[0]!,
      value.slice(1, 3),
      value.slice(3, 5),
      value.slice(5, 7),
      value.slice(7),
    ];
  } else {
    if (value.length < 5) return undefined;
    [sign, hh, mm, rest] = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5)];
  }
  if (![hh, mm, ss].every((s) => /^\d\d$/.test(s))) return undefined;
  const [h, m, s] = [Number(hh), Number(mm), Number(ss)];
  // Go tests with > rather than >= because some historical offsets are 24 hours or more.
  const rangeErr =
    h > 24
      ? "time zone offset hour"
      : m > 60
        ? "time zone offset minute"
        : s > 60
          ? "time zone offset second"
          : "";
  let offset = (h * 60 + m) * 60 + s;
  if (sign === "-") offset = -offset;
  else if (sign !== "+") return undefined;
  return { offset, rest, rangeErr };
}
