/**
 * Rego values. Plain JS where possible (it keeps evaluation fast and interop trivial):
 *
 *   null | boolean | string            as themselves
 *   number                             a JS number, or a bigint for integers beyond 2^53 (OPA numbers are
 *                                      arbitrary precision: `bits.lsh`, `time.*_ns` exceed 2^53)
 *   array                              a readonly JS array of values
 *   object                             RObject — keys may be any value, not only strings
 *   set                                RSet
 *
 * Composite values are immutable once built and shared: never mutate a value you did not just create.
 * Hashing is by a canonical key string (`keyOf`), so equal values (1 and 1.0, {a,b} and {b,a}) share a key.
 */

export type Value = null | boolean | number | bigint | string | readonly Value[] | RObject | RSet;

const TAG = "\u0000";

/** Canonical numeric key: integers print exactly (bigint-safe), other floats as JS prints them. */
function numberKey(n: number | bigint): string {
  if (typeof n === "bigint") return n.toString();
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return BigInt(n).toString();
  return Object.is(n, -0) ? "0" : String(n);
}

/**
 * A string that identifies a value up to Rego equality. Plain strings map to themselves (the common case
 * for object keys costs nothing); everything else is tagged with a leading NUL so it cannot collide.
 */
export function keyOf(v: Value): string {
  switch (typeof v) {
    case "string":
      return v.length > 0 && v.charCodeAt(0) === 0 ? TAG + "s" + v : v;
    case "number":
    case "bigint":
      return TAG + "n" + numberKey(v);
    case "boolean":
      return v ? TAG + "t" : TAG + "f";
    default:
      if (v === null) return TAG + "z";
      if (Array.isArray(v)) return TAG + "a" + JSON.stringify((v as readonly Value[]).map(keyOf));
      if (v instanceof RObject) return v.key();
      return (v as RSet).key();
  }
}

/** An object: insertion-ordered map from key value to value, looked up by canonical key. */
export class RObject {
  readonly #entries = new Map<string, [Value, Value]>();
  #key: string | undefined;

  static fromEntries(entries: Iterable<readonly [Value, Value]>): RObject {
    const o = new RObject();
    for (const [k, v] of entries) o.set(k, v);
    return o;
  }

  /** Builds from a JS record with string keys (values must already be Rego values). */
  static fromRecord(record: Record<string, Value>): RObject {
    const o = new RObject();
    for (const k of Object.keys(record)) o.set(k, record[k]!);
    return o;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(k: Value): Value | undefined {
    return this.#entries.get(keyOf(k))?.[1];
  }

  has(k: Value): boolean {
    return this.#entries.has(keyOf(k));
  }

  /** Mutation is for builders only, before the object is shared. */
  set(k: Value, v: Value): this {
    this.#entries.set(keyOf(k), [k, v]);
    this.#key = undefined;
    return this;
  }

  delete(k: Value): boolean {
    this.#key = undefined;
    return this.#entries.delete(keyOf(k));
  }

  *keys(): IterableIterator<Value> {
    for (const [k] of this.#entries.values()) yield k;
  }

  *values(): IterableIterator<Value> {
    for (const [, v] of this.#entries.values()) yield v;
  }

  entries(): IterableIterator<[Value, Value]> {
    return this.#entries.values();
  }

  /** Entries sorted by key in Rego order (how OPA iterates and prints objects). */
  sortedEntries(): [Value, Value][] {
    return [...this.#entries.values()].sort((a, b) => compare(a[0], b[0]));
  }

  key(): string {
    if (this.#key === undefined) {
      const parts = [...this.#entries.entries()].map(([k, [, v]]) => [k, keyOf(v)] as const);
      parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.#key = TAG + "o" + JSON.stringify(parts);
    }
    return this.#key;
  }
}

/** A set of values, insertion-ordered, looked up by canonical key. */
export class RSet {
  readonly #items = new Map<string, Value>();
  #key: string | undefined;

  static of(items: Iterable<Value>): RSet {
    const s = new RSet();
    for (const v of items) s.add(v);
    return s;
  }

  get size(): number {
    return this.#items.size;
  }

  has(v: Value): boolean {
    return this.#items.has(keyOf(v));
  }

  /** Mutation is for builders only, before the set is shared. */
  add(v: Value): this {
    const k = keyOf(v);
    if (!this.#items.has(k)) {
      this.#items.set(k, v);
      this.#key = undefined;
    }
    return this;
  }

  delete(v: Value): boolean {
    this.#key = undefined;
    return this.#items.delete(keyOf(v));
  }

  values(): IterableIterator<Value> {
    return this.#items.values();
  }

  [Symbol.iterator](): IterableIterator<Value> {
    return this.#items.values();
  }

  /** Members sorted in Rego order (how OPA iterates and prints sets). */
  sorted(): Value[] {
    return [...this.#items.values()].sort(compare);
  }

  key(): string {
    if (this.#key === undefined) {
      const keys = [...this.#items.keys()].sort();
      this.#key = TAG + "S" + JSON.stringify(keys);
    }
    return this.#key;
  }
}

export function isNumber(v: Value | undefined): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

export function isArray(v: Value | undefined): v is readonly Value[] {
  return Array.isArray(v);
}

export function isObject(v: Value | undefined): v is RObject {
  return v instanceof RObject;
}

export function isSet(v: Value | undefined): v is RSet {
  return v instanceof RSet;
}

/** OPA's type names, as `type_name` and error messages use them. */
export function typeName(v: Value): "null" | "boolean" | "number" | "string" | "array" | "object" | "set" {
  switch (typeof v) {
    case "string":
      return "string";
    case "number":
    case "bigint":
      return "number";
    case "boolean":
      return "boolean";
    default:
      if (v === null) return "null";
      if (Array.isArray(v)) return "array";
      return v instanceof RObject ? "object" : "set";
  }
}

/** OPA's sort order of types (v1/ast/compare.go): null < boolean < number < string < array < object < set. */
function typeRank(v: Value): number {
  switch (typeof v) {
    case "boolean":
      return 1;
    case "number":
    case "bigint":
      return 2;
    case "string":
      return 3;
    default:
      if (v === null) return 0;
      if (Array.isArray(v)) return 6;
      return v instanceof RObject ? 7 : 8;
  }
}

export function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  // Mixed bigint/number: compare exactly without losing precision.
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  const x = a as number | bigint;
  const y = b as number | bigint;
  if (typeof x === "number" && !Number.isFinite(x)) return x < 0 ? -1 : 1;
  if (typeof y === "number" && !Number.isFinite(y)) return y < 0 ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  // Go compares strings bytewise (UTF-8); UTF-16 code unit order differs only for astral vs U+E000–U+FFFF.
  // Below U+D800 both encodings order by code point, so the first differing code unit decides without
  // encoding anything; surrogates (astral characters, or lone ones that Buffer encodes as U+FFFD) and
  // U+E000–U+FFFF take the exact UTF-8 comparison.
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca < 0xd800 && cb < 0xd800) return ca < cb ? -1 : 1;
    return utf8Compare(a, b);
  }
  if (n > 0 && (a.charCodeAt(n - 1) & 0xf800) === 0xd800) return utf8Compare(a, b);
  return a.length < b.length ? -1 : 1;
}

function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Total order over values, as OPA's `ast.Compare`. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a === false ? -1 : 1;
    case 2:
      return compareNumbers(a as number | bigint, b as number | bigint);
    case 3:
      return compareStrings(a as string, b as string);
    case 6: {
      const x = a as readonly Value[];
      const y = b as readonly Value[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length - y.length < 0 ? -1 : x.length === y.length ? 0 : 1;
    }
    case 7: {
      const x = (a as RObject).sortedEntries();
      const y = (b as RObject).sortedEntries();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const ck = compare(x[i]![0], y[i]![0]);
        if (ck !== 0) return ck;
        const cv = compare(x[i]![1], y[i]![1]);
        if (cv !== 0) return cv;
      }
      return x.length < y.length ? -1 : x.length === y.length ? 0 : 1;
    }
    default: {
      const x = (a as RSet).sorted();
      const y = (b as RSet).sorted();
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length === y.length ? 0 : 1;
    }
  }
}

export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta === "string" || ta === "boolean" || typeof b === "string" || typeof b === "boolean") return false;
  if (isNumber(a) && isNumber(b)) return compareNumbers(a, b) === 0;
  if (a === null || b === null) return false;
  // Arrays element by element, stopping at the first difference, instead of building both canonical keys
  // (same answer: the array key is the sequence of its element keys, and no other kind has an array key).
  const aa = Array.isArray(a);
  if (aa || Array.isArray(b)) {
    if (!aa || !Array.isArray(b)) return false;
    const x = a as readonly Value[];
    const y = b as readonly Value[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equals(x[i]!, y[i]!)) return false;
    return true;
  }
  return keyOf(a) === keyOf(b);
}
