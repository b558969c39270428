/**
 * Civil-calendar arithmetic on exact instants (bigint nanoseconds since the Unix epoch), plus IANA zone
 * offsets through Intl. This is what Go's time.Time gives OPA's time.* builtins: proleptic Gregorian
 * dates, zone offsets from the tz database, and AddDate's normalisation of out-of-range fields.
 */
export const NS_PER_SECOND = 1_000_000_000n;

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse of daysFromCivil. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** A time zone: Go's fixed UTC, or an IANA zone resolved through Intl. */
export interface Zone {
  name: string;
  /** Offset east of UTC in seconds at the given instant (seconds since the epoch). */
  offsetAt(unixSeconds: number): number;
  /** The abbreviation Go prints for the layout element "MST" at the given instant. */
  abbreviationAt(unixSeconds: number): string;
}

export const UTC: Zone = { name: "UTC", offsetAt: () => 0, abbreviationAt: () => "UTC" };

/** A fixed zone, as Go's time.FixedZone (used for parsed numeric offsets). */
export function fixedZone(name: string, offset: number): Zone {
  return { name, offsetAt: () => offset, abbreviationAt: () => name };
}

const zoneCache = new Map<string, Zone>();

/** Locales whose CLDR short zone names agree with the tz database abbreviations for a region. */
function abbreviationLocales(iana: string): string[] {
  if (iana.startsWith("Europe/")) return ["en-GB"];
  if (iana === "Asia/Kolkata" || iana === "Asia/Calcutta") return ["en-IN"];
  if (iana.startsWith("Australia/")) return ["en-AU"];
  if (iana === "Pacific/Auckland") return ["en-NZ"];
  if (iana === "Africa/Johannesburg") return ["en-ZA"];
  if (iana === "Asia/Tokyo") return ["ja-JP"];
  return [];
}

/** Thrown when a zone name is not in the tz database (Go: "unknown time zone <name>"). */
export class UnknownZoneError extends Error {}

/** Loads an IANA zone as Go's time.LoadLocation does; "" and "UTC" are UTC. */
export function loadZone(name: string): Zone {
  if (name === "" || name === "UTC") return UTC;
  const cached = zoneCache.get(name);
  if (cached) return cached;
  const ianaName = name === "Local" ? Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  let fields: Intl.DateTimeFormat;
  let abbrev: Intl.DateTimeFormat[];
  try {
    fields = new Intl.DateTimeFormat("en-US", {
      timeZone: ianaName,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    abbrev = [
      new Intl.DateTimeFormat("en-US", { timeZone: ianaName, timeZoneName: "short" }),
      ...abbreviationLocales(ianaName).map(
        (l) => new Intl.DateTimeFormat(l, { timeZone: ianaName, timeZoneName: "short" }),
      ),
    ];
  } catch {
    throw new UnknownZoneError(`unknown time zone ${name}`);
  }
  const offsetAt = (unixSeconds: number): number => {
    const parts = fields.formatToParts(new Date(unixSeconds * 1000));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    let year = get("year");
    if (parts.find((p) => p.type === "era")?.value === "BC") year = 1 - year;
    const local =
      daysFromCivil(year, get("month"), get("day")) * 86400 +
      get("hour") * 3600 +
      get("minute") * 60 +
      get("second");
    return local - unixSeconds;
  };
  const zone: Zone = {
    name,
    offsetAt,
    abbreviationAt(unixSeconds) {
      // Intl (CLDR) knows letter abbreviations only per locale; Go prints the tz database's. Ask the
      // locales whose CLDR names match tzdata for the zone's region, else print tzdata's numeric form.
      for (const f of abbrev) {
        const part = f.formatToParts(new Date(unixSeconds * 1000)).find((p) => p.type === "timeZoneName");
        const text = part?.value ?? "";
        if (/^[A-Z]{2,5}$/.test(text)) return text;
      }
      const off = offsetAt(unixSeconds);
      const sign = off < 0 ? "-" : "+";
      const abs = Math.abs(off);
      const hh = String(Math.floor(abs / 3600)).padStart(2, "0");
      const mm = Math.floor((abs % 3600) / 60);
      return mm === 0 ? `${sign}${hh}` : `${sign}${hh}${String(mm).padStart(2, "0")}`;
    },
  };
  zoneCache.set(name, zone);
  return zone;
}

/** Broken-down local time of an instant in a zone, as Go's Time.Date() / Clock() / Nanosecond(). */
export interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  /** 0 = Sunday, as Go's Weekday. */
  weekday: number;
  /** 1-based day of the year. */
  yearDay: number;
  offset: number;
  abbreviation: string;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function civil(ns: bigint, zone: Zone): CivilTime {
  const unixSeconds = Number(floorDiv(ns, NS_PER_SECOND));
  const nanosecond = Number(ns - BigInt(unixSeconds) * NS_PER_SECOND);
  const offset = zone.offsetAt(unixSeconds);
  const local = unixSeconds + offset;
  const days = Math.floor(local / 86400);
  const secOfDay = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    nanosecond,
    weekday: (((days + 4) % 7) + 7) % 7,
    yearDay: days - daysFromCivil(year, 1, 1) + 1,
    offset,
    abbreviation: zone.abbreviationAt(unixSeconds),
  };
}

/**
 * Go's time.Date: normalises month/day/hour/… overflow and converts local wall time in `zone` to an
 * instant, using the offset in effect (Go looks the offset up at the UTC guess, then re-checks once).
 */
export function fromCivil(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanosecond: number,
  zone: Zone,
): bigint {
  const m0 = month - 1;
  const y = year + Math.floor(m0 / 12);
  const m = (((m0 % 12) + 12) % 12) + 1;
  const days = daysFromCivil(y, m, 1) + (day - 1);
  const local = BigInt(days) * 86400n + BigInt(hour * 3600 + minute * 60 + second);
  let unix = local - BigInt(zone.offsetAt(Number(local)));
  const offset2 = zone.offsetAt(Number(unix));
  unix = local - BigInt(offset2);
  return unix * NS_PER_SECOND + BigInt(nanosecond);
}
