/**
 * Bounded, content-addressed caches for the expensive and repeatable parts of DCAP verification
 * (certificate and CRL parsing, chain and collateral signature checks). Keys are SHA-256 digests of
 * the exact bytes, so a cached answer can only ever be reused for identical input; time-dependent
 * checks (validity, freshness) are never cached.
 */
import { createHash } from "node:crypto";

/** A small LRU map: the least recently used entry goes when the bound is reached. */
export class BoundedCache<V> {
  readonly #max: number;
  readonly #map = new Map<string, V>();
  constructor(max: number) {
    this.#max = max;
    registry.push(this as BoundedCache<unknown>);
  }
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as string);
  }
  /** The cached value for `key`, computed by `make` on a miss. */
  getOrSet(key: string, make: () => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.set(key, value);
    return value;
  }
  clear(): void {
    this.#map.clear();
  }
  get size(): number {
    return this.#map.size;
  }
}

const registry: BoundedCache<unknown>[] = [];

/** Forget every cached parse and signature result (tests, or after a trust-store change). */
export function clearDcapVerificationCache(): void {
  for (const cache of registry) cache.clear();
}

/** SHA-256 over length-prefixed parts: distinct part lists never collide by concatenation. */
export function contentKey(...parts: (Uint8Array | string)[]): string {
  const h = createHash("sha256");
  for (const part of parts) {
    const bytes = typeof part === "string" ? Buffer.from(part, "utf8") : part;
    h.update(`${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest("hex");
}
