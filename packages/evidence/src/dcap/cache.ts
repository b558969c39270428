/**
 * Bounded caches for the expensive and repeatable parts of DCAP verification (certificate and CRL
 * parsing, chain and collateral signature checks, public-key import). Every key is the EXACT input
 * (a string, or bytes as a one-char-per-byte string, or an immutable object by identity), so a
 * cached answer can only ever be reused for identical input. Keys are never digests computed per
 * call: hashing kilobytes of collateral on every verification cost more than the ECDSA checks it
 * was meant to save (issue #2). Time-dependent checks (validity, freshness) are never cached.
 */

/** Anything `clearDcapVerificationCache()` must empty. */
interface Clearable {
  clear(): void;
}

const registry: Clearable[] = [];

/**
 * A bounded map that keeps recently used entries: two generations, each at most half the bound.
 * Entries are added to the young generation; when it is full it becomes the old one (the previous
 * old generation is dropped); a hit in the old generation moves the entry back to the young one.
 * A hit costs one Map lookup (an exact LRU costs three, each comparing the whole key again).
 */
export class BoundedCache<V, K extends string | number = string> {
  readonly #half: number;
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  constructor(max: number) {
    this.#half = Math.max(1, Math.floor(max / 2));
    registry.push(this);
  }
  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.#addYoung(key, old);
    }
    return old;
  }
  set(key: K, value: V): void {
    this.#old.delete(key);
    if (this.#young.has(key)) this.#young.set(key, value);
    else this.#addYoung(key, value);
  }
  #addYoung(key: K, value: V): void {
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map<K, V>();
    }
    this.#young.set(key, value);
  }
  /** The cached value for `key`, computed by `make` on a miss. */
  getOrSet(key: K, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.set(key, value);
    return value;
  }
  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}

/**
 * Values derived from an immutable object (an `X509Certificate`, a cached `ParsedCrl`), remembered
 * by the object's identity: the object cannot change, so identity is content. Entries die with
 * their object.
 */
export class IdentityMemo<K extends object, V> {
  #map = new WeakMap<K, V>();
  constructor() {
    registry.push(this);
  }
  getOrSet(key: K, make: () => V): V {
    const hit = this.#map.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.#map.set(key, value);
    return value;
  }
  clear(): void {
    this.#map = new WeakMap<K, V>();
  }
}

/** Most entries one sample key may hold (distinct inputs sharing a sample are rare: see `sampleKey`). */
const BUCKET_MAX = 4;

/**
 * The bytes' length and two 64-byte windows (one near the start, one a third of the way in), as a
 * short string. Only a bucket selector, never a verdict: entries are matched by comparing all bytes.
 * For a PEM certificate chain the windows fall on the leaf's serial number and key.
 */
function sampleKey(b: Uint8Array): string {
  const view = bufferView(b);
  const n = b.byteLength;
  const first = n > 128 ? 64 : 0;
  const third = Math.floor(n / 3);
  return `${n}:${view.toString("latin1", first, first + 64)}|${view.toString("latin1", third, third + 64)}`;
}

/**
 * Values derived from bytes that arrive in a new array on every call (the PCK chain inside a quote,
 * an extra trust root), found by content: a short sample of the bytes selects a bucket, and an entry is
 * used only when all its bytes are equal (a private copy, compared by memcmp). Cheaper than keying a
 * Map by the whole content: V8 hashes a fresh multi-kilobyte string key character by character on
 * every lookup. `make` receives that private copy: a value may keep views into it, since it never
 * changes.
 */
export class BytesCache<V, K extends string | number = string> {
  readonly #buckets: BoundedCache<{ bytes: Buffer; value: V }[], K>;
  readonly #sample: (b: Uint8Array) => K;
  /**
   * The entry found or made last, tried first with one memcmp: the quotes a verifier sees mostly come
   * from the same platform, so this skips building the sample key for the common case (issue #2).
   */
  #last: { bytes: Buffer; value: V } | undefined;
  constructor(max: number, sample?: (b: Uint8Array) => K) {
    this.#buckets = new BoundedCache(max);
    this.#sample = sample ?? (sampleKey as unknown as (b: Uint8Array) => K);
    registry.push(this);
  }
  getOrSet(bytes: Uint8Array, make: (copy: Buffer) => V): V {
    const last = this.#last;
    if (last !== undefined && last.bytes.equals(bytes)) return last.value;
    const sample = this.#sample(bytes);
    const bucket = this.#buckets.get(sample);
    if (bucket)
      for (const entry of bucket)
        if (entry.bytes.equals(bytes)) {
          this.#last = entry;
          return entry.value;
        }
    const copy = Buffer.from(bytes);
    const value = make(copy);
    const entry = { bytes: copy, value };
    this.#buckets.set(sample, bucket ? [entry, ...bucket.slice(0, BUCKET_MAX - 1)] : [entry]);
    this.#last = entry;
    return value;
  }
  clear(): void {
    this.#buckets.clear();
    this.#last = undefined;
  }
}

/**
 * Values derived from caller-owned bytes (collateral CRLs). Callers pass the same long-lived
 * `Uint8Array` on every verification, so the fast path finds it by identity; because the caller
 * could have changed its contents since, a hit is only used when a private snapshot of the bytes
 * still compares equal (a memcmp). Other arrays with the same bytes share the entry by content.
 */
export class BytesMemo<V> {
  #byObject = new WeakMap<Uint8Array, { snapshot: Buffer; value: V }>();
  readonly #byContent: BytesCache<V>;
  constructor(max: number) {
    this.#byContent = new BytesCache<V>(max);
    registry.push(this);
  }
  getOrSet(bytes: Uint8Array, make: () => V): V {
    const known = this.#byObject.get(bytes);
    if (known !== undefined && known.snapshot.equals(bytes)) return known.value;
    const value = this.#byContent.getOrSet(bytes, make);
    this.#byObject.set(bytes, { snapshot: Buffer.from(bytes), value });
    return value;
  }
  clear(): void {
    this.#byObject = new WeakMap();
  }
}

/** Have `clearDcapVerificationCache()` also run `clear` (module-level memos outside these classes). */
export function registerClearable(clear: () => void): void {
  registry.push({ clear });
}

/** Forget every cached parse and signature result (tests, or after a trust-store change). */
export function clearDcapVerificationCache(): void {
  for (const cache of registry) cache.clear();
}

/** A view of `b` as a Buffer, without copying. */
export function bufferView(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The exact bytes as a string, one char per byte: an identity-safe Map key (two inputs share a key
 * only when byte-identical), cheaper than a digest (V8 hashes it once, then compares by memcmp).
 */
export function bytesKey(b: Uint8Array): string {
  return bufferView(b).toString("latin1");
}

/** An exact key for a list of byte strings: each part length-prefixed, so no two lists collide. */
export function bytesListKey(parts: Uint8Array[]): string {
  let key = "";
  for (const part of parts) key += `${part.byteLength}:${bytesKey(part)}`;
  return key;
}
