import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { IntelPcsClient, pccsUrls, pcsUrls, type PcsHttpResponse } from "./pcs.ts";
import { IntelPcsError } from "../dcap/errors.ts";
import { verifyTdx } from "../dcap/verify.ts";
import { loadQuote, readVectorText } from "../dcap/test-support.ts";

test("PCS v4 URLs", () => {
  const u = pcsUrls();
  assert.equal(
    u.tcbInfo("tdx", "b0c06f000000"),
    "https://api.trustedservices.intel.com/tdx/certification/v4/tcb?fmspc=B0C06F000000",
  );
  assert.equal(
    u.tcbInfo("sgx", "00906ED50000"),
    "https://api.trustedservices.intel.com/sgx/certification/v4/tcb?fmspc=00906ED50000",
  );
  assert.equal(u.qeIdentity("tdx"), "https://api.trustedservices.intel.com/tdx/certification/v4/qe/identity");
  assert.equal(u.qeIdentity("sgx"), "https://api.trustedservices.intel.com/sgx/certification/v4/qe/identity");
  assert.equal(
    u.pckCrl("platform"),
    "https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl?ca=platform&encoding=der",
  );
  assert.equal(
    u.pckCrl("processor"),
    "https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl?ca=processor&encoding=der",
  );
  assert.equal(u.rootCaCrl(), "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");
  assert.equal(
    pcsUrls("http://pccs.local:8081/").qeIdentity("sgx"),
    "http://pccs.local:8081/sgx/certification/v4/qe/identity",
  );
  assert.throws(() => u.tcbInfo("tdx", "../../x"), IntelPcsError);
  const pccs = pccsUrls("https://pccs.example:8081/");
  assert.equal(pccs.rootCaCrl(), "https://pccs.example:8081/sgx/certification/v4/rootcacrl");
  assert.equal(
    pccs.tcbInfo("tdx", "00806f050000"),
    "https://pccs.example:8081/tdx/certification/v4/tcb?fmspc=00806F050000",
  );
});

/** A fake PCS serving the dcap-qvl collateral of tdx_quote.bin in Intel's response format. */
function fakePcs(): { fetch: (url: string) => Promise<PcsHttpResponse>; calls: string[] } {
  const c = JSON.parse(readVectorText("tdx/dcapqvl/tdx_quote_collateral.json")) as Record<string, string>;
  const u = pcsUrls();
  const routes = new Map<string, { body: Uint8Array; headers: Record<string, string> }>([
    [
      u.tcbInfo("tdx", "B0C06F000000"),
      {
        body: Buffer.from(`{"tcbInfo":${c["tcb_info"]},"signature":"${c["tcb_info_signature"]}"}`),
        headers: { "tcb-info-issuer-chain": encodeURIComponent(c["tcb_info_issuer_chain"]!) },
      },
    ],
    [
      u.qeIdentity("tdx"),
      {
        body: Buffer.from(
          `{"enclaveIdentity":${c["qe_identity"]},"signature":"${c["qe_identity_signature"]}"}`,
        ),
        headers: { "sgx-enclave-identity-issuer-chain": encodeURIComponent(c["qe_identity_issuer_chain"]!) },
      },
    ],
    [
      u.pckCrl("platform"),
      {
        body: Buffer.from(c["pck_crl"]!, "hex"),
        headers: { "sgx-pck-crl-issuer-chain": encodeURIComponent(c["pck_crl_issuer_chain"]!) },
      },
    ],
    [u.rootCaCrl(), { body: Buffer.from(c["root_ca_crl"]!, "hex"), headers: {} }],
  ]);
  const calls: string[] = [];
  return {
    calls,
    fetch: async (url) => {
      calls.push(url);
      const r = routes.get(url);
      if (!r) return { status: 404, header: () => null, body: new Uint8Array() };
      return { status: 200, header: (n) => r.headers[n.toLowerCase()] ?? null, body: r.body };
    },
  };
}

test("collateral for a quote is fetched, cached on disk, and verifies the quote; offline reuse needs no network", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cocoon-pcs-"));
  try {
    const pcs = fakePcs();
    const now = new Date("2025-07-01T00:00:00Z");
    const online = new IntelPcsClient({ fetch: pcs.fetch, cacheDir: dir, now: () => now });
    const quote = loadQuote("tdx/dcapqvl/tdx_quote.bin");
    const collateral = await online.collateralForQuote(quote);
    assert.equal(pcs.calls.length, 4);
    assert.equal(readdirSync(dir).length, 4);
    const r = verifyTdx(quote, { now, collateral });
    assert.deepEqual(r.failures, []);
    assert.equal(r.tcbStatus, "UpToDate");

    // Fresh cache: no new requests.
    await online.collateralForQuote(quote);
    assert.equal(pcs.calls.length, 4);

    const offline = new IntelPcsClient({
      cacheDir: dir,
      offline: true,
      fetch: () => Promise.reject(new Error("no network")),
    });
    const again = await offline.collateralForQuote(quote);
    assert.deepEqual(verifyTdx(quote, { now, collateral: again }).failures, []);

    // Stale cache: refetched; a failing network falls back to the cached copy.
    const later = new IntelPcsClient({
      fetch: pcs.fetch,
      cacheDir: dir,
      now: () => new Date("2025-07-03T00:00:00Z"),
    });
    await later.rootCaCrl();
    assert.equal(pcs.calls.length, 5);
    const down = new IntelPcsClient({
      fetch: () => Promise.reject(new Error("ECONNREFUSED")),
      cacheDir: dir,
      now: () => new Date("2025-07-05T00:00:00Z"),
    });
    assert.equal((await down.rootCaCrl())[0], 0x30);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cache misses offline, HTTP errors and missing issuer-chain headers are IntelPcsError", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cocoon-pcs-"));
  try {
    const offline = new IntelPcsClient({ cacheDir: dir, offline: true });
    await assert.rejects(
      offline.qeIdentity("sgx"),
      (e: unknown) => e instanceof IntelPcsError && /not in the PCS cache/.test(e.message),
    );
    const pcs = fakePcs();
    const client = new IntelPcsClient({ fetch: pcs.fetch, cacheDir: dir });
    await assert.rejects(
      client.qeIdentity("sgx"),
      (e: unknown) => e instanceof IntelPcsError && /HTTP 404/.test(e.message),
    );
    const noHeader = new IntelPcsClient({
      fetch: async () => ({ status: 200, header: () => null, body: Buffer.from("{}") }),
    });
    await assert.rejects(
      noHeader.tcbInfo("tdx", "B0C06F000000"),
      (e: unknown) => e instanceof IntelPcsError && /TCB-Info-Issuer-Chain/.test(e.message),
    );
    const broken = new IntelPcsClient({ fetch: () => Promise.reject(new Error("ECONNREFUSED")) });
    await assert.rejects(
      broken.rootCaCrl(),
      (e: unknown) => e instanceof IntelPcsError && /ECONNREFUSED/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("verifyDcapQuoteWithPcs: collateral from the PCS, and a fetch failure never fails open", async () => {
  const { verifyDcapQuoteWithPcs } = await import("./verify-with-pcs.ts");
  const quote = loadQuote("tdx/dcapqvl/tdx_quote.bin");
  const now = new Date("2025-07-01T00:00:00Z");
  const ok = await verifyDcapQuoteWithPcs(
    quote,
    new IntelPcsClient({ fetch: fakePcs().fetch, now: () => now }),
    { now },
  );
  assert.deepEqual(ok.failures, []);
  assert.equal(ok.tcbStatus, "UpToDate");
  const down = await verifyDcapQuoteWithPcs(
    quote,
    new IntelPcsClient({ fetch: () => Promise.reject(new Error("ECONNREFUSED")) }),
    { now },
  );
  assert.equal(down.valid, false);
  assert.equal(down.tcbStatus, "Unknown");
  assert.deepEqual(
    down.failures.map((f) => f.check),
    ["tdx.collateral.fetch", "tdx.collateral.missing"],
  );
  assert.match(down.failures[0]!.actual, /ECONNREFUSED/);
});
