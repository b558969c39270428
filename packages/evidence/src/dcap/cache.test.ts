/**
 * The verification caches must never let different bytes reuse an answer: not after the caller
 * changes a buffer in place, not for inputs that share the sampled bytes a bucket is chosen by, not
 * for the same text under another signature or signer. Time is judged on every call.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BoundedCache, BytesCache, BytesMemo, clearDcapVerificationCache } from "./cache.ts";
import { verifyTdx } from "./verify.ts";
import { buildSimulatedTdx } from "./sim-pki.ts";
import { loadCollateral, loadQuote } from "./test-support.ts";
import type { VerifyResult } from "../types.ts";

const TDX = loadQuote("tdx/dcapqvl/tdx_quote.bin");
const TDX_COL = loadCollateral("tdx/dcapqvl/tdx_quote_collateral.json");
const TDX_NOW = new Date("2025-07-01T00:00:00Z");
const failed = (r: VerifyResult): string[] => r.failures.map((f) => f.check);

test("BoundedCache stays within its bound and keeps entries in use", () => {
  const cache = new BoundedCache<number>(8);
  for (let i = 0; i < 100; i++) {
    cache.set(`k${i}`, i);
    assert.equal(cache.get("k0") ?? 0, 0); // touched on every round: never evicted
    cache.set("k0", 0);
    assert.ok(cache.size <= 8, `size ${cache.size}`);
  }
  assert.equal(cache.get("k0"), 0);
  assert.equal(cache.get("k1"), undefined, "old, untouched entries go");
  assert.equal(cache.get("k99"), 99);
  cache.set("k99", -1);
  assert.equal(cache.get("k99"), -1, "set replaces");
});

test("BytesCache matches whole contents, not the sampled windows", () => {
  const cache = new BytesCache<string>(16);
  const a = new Uint8Array(600).fill(7);
  const b = new Uint8Array(a);
  b[599] = 8; // outside both sampled windows: same bucket, different bytes
  assert.equal(
    cache.getOrSet(a, () => "a"),
    "a",
  );
  assert.equal(
    cache.getOrSet(b, () => "b"),
    "b",
  );
  assert.equal(
    cache.getOrSet(new Uint8Array(a), () => "again"),
    "a",
    "equal bytes in another array hit",
  );
  a[599] = 8; // the caller changes its array: it is now b
  assert.equal(
    cache.getOrSet(a, () => "x"),
    "b",
  );
  for (const n of [0, 1, 64, 129]) {
    const bytes = new Uint8Array(n).fill(1);
    assert.equal(
      cache.getOrSet(bytes, () => `len ${n}`),
      `len ${n}`,
    );
  }
});

test("BytesMemo notices in-place changes to a buffer it has seen", () => {
  const memo = new BytesMemo<number>(8);
  const bytes = new Uint8Array([1, 2, 3]);
  let made = 0;
  assert.equal(
    memo.getOrSet(bytes, () => ++made),
    1,
  );
  assert.equal(
    memo.getOrSet(bytes, () => ++made),
    1,
  );
  bytes[0] = 9;
  assert.equal(
    memo.getOrSet(bytes, () => ++made),
    2,
  );
});

test("collateral changed in place after a verification is judged again", () => {
  clearDcapVerificationCache();
  const col = {
    ...TDX_COL,
    pckCrl: new Uint8Array(TDX_COL.pckCrl!),
    rootCaCrl: new Uint8Array(TDX_COL.rootCaCrl!),
  };
  assert.deepEqual(failed(verifyTdx(TDX, { now: TDX_NOW, collateral: col })), []);
  // Flip the last byte of each CRL's signature in the caller's own arrays.
  col.pckCrl[col.pckCrl.length - 1]! ^= 0x01;
  col.rootCaCrl[col.rootCaCrl.length - 1]! ^= 0x01;
  const tampered = failed(verifyTdx(TDX, { now: TDX_NOW, collateral: col }));
  assert.ok(tampered.includes("tdx.collateral.pck_crl.signature"), tampered.join());
  assert.ok(tampered.includes("tdx.collateral.root_crl.signature"), tampered.join());
  col.pckCrl[col.pckCrl.length - 1]! ^= 0x01;
  col.rootCaCrl[col.rootCaCrl.length - 1]! ^= 0x01;
  assert.deepEqual(failed(verifyTdx(TDX, { now: TDX_NOW, collateral: col })), []);
});

test("a cached collateral text is re-verified under another signature", () => {
  assert.deepEqual(failed(verifyTdx(TDX, { now: TDX_NOW, collateral: TDX_COL })), []);
  const sig = TDX_COL.tcbInfoSignature!;
  const other = sig.slice(0, -2) + (sig.endsWith("00") ? "01" : "00");
  const r = verifyTdx(TDX, { now: TDX_NOW, collateral: { ...TDX_COL, tcbInfoSignature: other } });
  assert.ok(failed(r).includes("tdx.collateral.tcb_info.signature"));
  assert.deepEqual(failed(verifyTdx(TDX, { now: TDX_NOW, collateral: TDX_COL })), []);
});

test("a quote changed in place after a verification is judged again (PCK chain, keys, QE report)", () => {
  const quote = new Uint8Array(TDX);
  assert.deepEqual(failed(verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL })), []);
  quote[700]! ^= 0x01; // attestation key
  assert.ok(failed(verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL })).includes("tdx.quote.signature"));
  quote[700]! ^= 0x01;
  // A base64 character inside the PCK leaf's signature (the chain starts after the QE auth data).
  const pem = Buffer.from(quote).indexOf("-----END CERTIFICATE-----");
  quote[pem - 10] = quote[pem - 10] === 0x41 ? 0x42 : 0x41;
  assert.ok(failed(verifyTdx(quote, { now: TDX_NOW, collateral: TDX_COL })).includes("tdx.pck.chain"));
});

test("simulated roots: cached per exact DER, and an in-place change is a different root", async () => {
  const sim = await buildSimulatedTdx();
  const rootDer = new Uint8Array(sim.rootDer);
  const opts = { now: sim.now, collateral: sim.collateral, trust: { intelRoots: [rootDer] } };
  assert.deepEqual(failed(verifyTdx(sim.quote, opts)), []);
  assert.deepEqual(failed(verifyTdx(sim.quote, opts)), []);
  rootDer[rootDer.length - 1]! ^= 0x01; // the root's own signature: still parses, no longer the same root
  const changed = failed(verifyTdx(sim.quote, opts));
  assert.ok(changed.includes("tdx.pck.chain"), changed.join());
});
