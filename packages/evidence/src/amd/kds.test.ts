/** KDS URL building (known answers), the on-disk cache, the injected fetcher, bad responses, offline verification. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { vectorPath } from "@cocoon/core";
import { KdsClient, certChainUrl, crlUrl, vcekCachePath, vcekUrl, vlekUrl, type KdsFetch } from "./kds.ts";
import { GENUINE_AMD_FINGERPRINTS } from "./roots.ts";
import { sha256Hex } from "./cert.ts";
import { parseSnpReport } from "../snp/report.ts";
import { verifySnp } from "../snp/verify.ts";
import { makeFakeCrl, makeFakeHierarchy, makeSignedReport } from "../snp/testing/fake-amd.ts";

const gsgReport = readFileSync(vectorPath("snp", "gsg_milan_v2", "report.bin"));
const gsgVcek = readFileSync(vectorPath("snp", "gsg_milan_v2", "vcek.der"));
const NOW = new Date("2026-06-01T00:00:00Z");

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cocoon-kds-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function fakeFetch(
  routes: Record<string, { status: number; body: Uint8Array | string }>,
): KdsFetch & { calls: string[] } {
  const calls: string[] = [];
  const fn = (async (url: string) => {
    calls.push(url);
    const hit = routes[url];
    if (!hit) return { status: 404, arrayBuffer: async () => new ArrayBuffer(0) };
    const bytes = typeof hit.body === "string" ? Buffer.from(hit.body) : Buffer.from(hit.body);
    return {
      status: hit.status,
      arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    };
  }) as KdsFetch & { calls: string[] };
  fn.calls = calls;
  return fn;
}

const gsgUrl =
  "https://kdsintf.amd.com/vcek/v1/Milan/3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d?blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68";

test("VCEK URL for the go-sev-guest report (known answer from go-sev-guest verify_test.go)", () => {
  const r = parseSnpReport(gsgReport, { product: "Milan" });
  assert.equal(vcekUrl("Milan", r.chipId, r.reportedTcb), gsgUrl);
});

test("Turin VCEK URL: 8-byte hwID and fmcSPL first (virtee/snpguest fetch.rs)", () => {
  const chip = new Uint8Array(64);
  chip.set(Buffer.from("1e550a8ee5cf9f4d", "hex"));
  const tcb = { fmc: 0, bootloader: 0, tee: 0, snp: 0, microcode: 9 };
  assert.equal(
    vcekUrl("Turin", chip, tcb),
    "https://kdsintf.amd.com/vcek/v1/Turin/1e550a8ee5cf9f4d?fmcSPL=0&blSPL=0&teeSPL=0&snpSPL=0&ucodeSPL=9",
  );
  assert.throws(() => vcekUrl("Turin", chip, { bootloader: 0, tee: 0, snp: 0, microcode: 9 }), {
    code: "ERR_KDS_INPUT",
  });
  assert.throws(() => vcekUrl("Milan", new Uint8Array(64), tcb), { code: "ERR_KDS_INPUT" }, "masked CHIP_ID");
});

test("cert_chain, CRL and VLEK URLs", () => {
  assert.equal(certChainUrl("Genoa", "vcek"), "https://kdsintf.amd.com/vcek/v1/Genoa/cert_chain");
  assert.equal(certChainUrl("Milan", "vlek"), "https://kdsintf.amd.com/vlek/v1/Milan/cert_chain");
  assert.equal(crlUrl("Turin", "vcek"), "https://kdsintf.amd.com/vcek/v1/Turin/crl");
  assert.equal(
    vlekUrl("Milan", { bootloader: 4, tee: 0, snp: 24, microcode: 217 }),
    "https://kdsintf.amd.com/vlek/v1/Milan/cert?blSPL=4&teeSPL=0&snpSPL=24&ucodeSPL=217",
  );
  assert.equal(crlUrl("Milan", "vcek", "http://mirror.local"), "http://mirror.local/vcek/v1/Milan/crl");
});

test("cache miss calls the fetcher once, then hits the cache (Trustee offline-store layout)", async (t) => {
  const dir = tempDir(t);
  const fetch = fakeFetch({ [gsgUrl]: { status: 200, body: gsgVcek } });
  const kds = new KdsClient({ cacheDir: dir, fetch });
  const r = parseSnpReport(gsgReport, { product: "Milan" });
  assert.deepEqual(Buffer.from(await kds.getVcek("Milan", r.chipId, r.reportedTcb)), gsgVcek);
  assert.deepEqual(Buffer.from(await kds.getVcek("Milan", r.chipId, r.reportedTcb)), gsgVcek);
  assert.deepEqual(fetch.calls, [gsgUrl]);
  const file = vcekCachePath(dir, "Milan", r.chipId, r.reportedTcb);
  assert.equal(
    path.relative(dir, file),
    path.join("vcek", Buffer.from(r.chipId).toString("hex"), "bl02_tee00_snp05_ucode68_vcek.der"),
  );
  // An offline client over the filled cache answers without any fetcher, and verifySnp reads it directly.
  assert.deepEqual(
    Buffer.from(await new KdsClient({ cacheDir: dir }).getVcek("Milan", r.chipId, r.reportedTcb)),
    gsgVcek,
  );
  const result = verifySnp(gsgReport, { now: NOW, allowDebug: true, product: "Milan", kdsCacheDir: dir });
  assert.deepEqual(result.failures, []);
});

test("offline cache miss, HTTP errors, garbage bodies and network failures are typed, and nothing bad is cached", async (t) => {
  const dir = tempDir(t);
  const r = parseSnpReport(gsgReport, { product: "Milan" });
  await assert.rejects(new KdsClient({ cacheDir: dir }).getVcek("Milan", r.chipId, r.reportedTcb), {
    code: "ERR_KDS_CACHE_MISS",
  });
  await assert.rejects(
    new KdsClient({ cacheDir: dir, fetch: fakeFetch({}) }).getVcek("Milan", r.chipId, r.reportedTcb),
    { code: "ERR_KDS_HTTP" },
  );
  const garbage = fakeFetch({ [gsgUrl]: { status: 200, body: "<html>rate limited</html>" } });
  await assert.rejects(
    new KdsClient({ cacheDir: dir, fetch: garbage }).getVcek("Milan", r.chipId, r.reportedTcb),
    { code: "ERR_KDS_BAD_RESPONSE" },
  );
  assert.equal(existsSync(vcekCachePath(dir, "Milan", r.chipId, r.reportedTcb)), false);
  const broken: KdsFetch = async () => {
    throw new Error("ECONNREFUSED");
  };
  await assert.rejects(
    new KdsClient({ cacheDir: dir, fetch: broken }).getVcek("Milan", r.chipId, r.reportedTcb),
    { code: "ERR_KDS_UNAVAILABLE" },
  );
  // Without a cached VCEK, verification says which certificate is missing.
  const result = verifySnp(gsgReport, { now: NOW, allowDebug: true, product: "Milan", kdsCacheDir: dir });
  assert.deepEqual(
    result.failures.map((f) => f.check),
    ["snp.cert.present"],
  );
});

test("cert_chain is parsed into intermediate then ARK and validated before caching", async (t) => {
  const dir = tempDir(t);
  const pem = readFileSync(vectorPath("amd", "genoa", "kds_vcek_cert_chain.pem"), "utf8");
  const url = certChainUrl("Genoa", "vcek");
  const fetch = fakeFetch({ [url]: { status: 200, body: pem } });
  const kds = new KdsClient({ cacheDir: dir, fetch });
  const chain = await kds.getCertChain("Genoa", "vcek");
  assert.equal(sha256Hex(chain.intermediate), GENUINE_AMD_FINGERPRINTS.Genoa.ask);
  assert.equal(sha256Hex(chain.ark), GENUINE_AMD_FINGERPRINTS.Genoa.ark);
  await kds.getCertChain("Genoa", "vcek");
  assert.equal(fetch.calls.length, 1);
  const one = fakeFetch({
    [certChainUrl("Milan", "vcek")]: {
      status: 200,
      body: pem.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n",
    },
  });
  await assert.rejects(new KdsClient({ cacheDir: dir, fetch: one }).getCertChain("Milan", "vcek"), {
    code: "ERR_KDS_BAD_RESPONSE",
  });
  const notCrl = fakeFetch({ [crlUrl("Milan", "vcek")]: { status: 200, body: gsgVcek } });
  await assert.rejects(new KdsClient({ cacheDir: dir, fetch: notCrl }).getCrl("Milan", "vcek"), {
    code: "ERR_KDS_BAD_RESPONSE",
  });
});

test("prefetchForReport fills the cache so verification runs offline, CRL included", async (t) => {
  const dir = tempDir(t);
  const sim = await makeFakeHierarchy({
    tcb: { bootloader: 1, tee: 0, snp: 1, microcode: 1 },
    hwId: new Uint8Array(64).fill(9),
  });
  const crl = await makeFakeCrl(sim, [sim.intermediateSerial]);
  const fetch = fakeFetch({
    [gsgUrl]: { status: 200, body: gsgVcek },
    [certChainUrl("Milan", "vcek")]: {
      status: 200,
      body: readFileSync(vectorPath("amd", "milan", "kds_vcek_cert_chain.pem"), "utf8"),
    },
    [crlUrl("Milan", "vcek")]: { status: 200, body: crl },
  });
  await assert.rejects(new KdsClient({ cacheDir: dir, fetch }).prefetchForReport(gsgReport), {
    code: "ERR_KDS_INPUT",
  });
  const got = await new KdsClient({ cacheDir: dir, fetch }).prefetchForReport(gsgReport, "Milan");
  assert.equal(got.product, "Milan");
  assert.equal(got.certificates.length, 3);
  assert.equal(fetch.calls.length, 3);
  // Offline: only the cache directory. The cached CRL is not ARK-Milan's, so it does not apply.
  const genuine = verifySnp(gsgReport, { now: NOW, allowDebug: true, product: "Milan", kdsCacheDir: dir });
  assert.deepEqual(genuine.failures, []);
  // A simulated Milan chain whose ARK did sign the cached CRL: the revoked ASK is found through the cache.
  const chip = new Uint8Array(64).fill(9);
  const report = makeSignedReport(sim.leafKey, {
    tcb: { bootloader: 1, tee: 0, snp: 1, microcode: 1 },
    layout: "legacy",
    chipId: chip,
  });
  const r = verifySnp(report, {
    now: NOW,
    certificates: [sim.leaf, sim.intermediate],
    trust: { amdRoots: [sim.ark] },
    kdsCacheDir: dir,
  });
  assert.deepEqual(
    r.failures.map((f) => f.check),
    ["snp.cert.revoked"],
  );
});
