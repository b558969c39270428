/**
 * Evidence verification throughput, next to the physical limit measured in the same run: the raw
 * node:crypto rate of the very signature operations a verification must perform.
 *
 *   SNP: one ECDSA P-384/SHA-384 verify of the report (chain ARK→ASK→VCEK cached, as a real verifier caches it).
 *   TDX: two ECDSA P-256/SHA-256 verifies (QE report by the PCK key, quote by the attestation key); PCK chain,
 *        CRLs and collateral signatures cached.
 *
 * Goal (issue #2): full verification ≥ 85% of the raw rate. `--smoke` runs briefly (CI); figures go to BENCHMARKS.md.
 * Full and raw run in alternating batches so that load from other processes hits both alike.
 * Run: `node bench/evidence.ts [--smoke]`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash, createPublicKey, verify as cryptoVerify, X509Certificate } from "node:crypto";
import { vectorPath } from "@cocoon/core";
import {
  collateralFromQvlJson,
  p1363ToDer,
  parseDcapQuote,
  verifySnp,
  verifyTdx,
  type DcapCollateral,
} from "@cocoon/evidence";
import { Simulator } from "@cocoon/simulator";

const smoke = process.argv.includes("--smoke");
const seconds = smoke ? 0.2 : 3;

/**
 * Measures `full` and `raw` in alternating batches (so load from other processes hits both alike) for about
 * `seconds`, after a warm-up, and returns each one's operations per second.
 */
function rates(full: () => void, raw: () => void): { full: number; raw: number } {
  const batch = 10;
  const warmUntil = performance.now() + Math.min(300, seconds * 200);
  while (performance.now() < warmUntil) {
    full();
    raw();
  }
  let fullMs = 0;
  let rawMs = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    let t = performance.now();
    for (let i = 0; i < batch; i++) full();
    fullMs += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < batch; i++) raw();
    rawMs += performance.now() - t;
    n += batch;
  }
  return { full: (n * 1000) / fullMs, raw: (n * 1000) / rawMs };
}

function report(name: string, full: number, raw: number, verifiesPerOp: number): void {
  const limit = raw / verifiesPerOp;
  const pct = (100 * full) / limit;
  console.log(
    `${name.padEnd(9)} full verification ${full.toFixed(0).padStart(6)}/s | raw node:crypto ${raw.toFixed(0).padStart(6)} verifies/s ` +
      `→ limit ${limit.toFixed(0).padStart(6)}/s (${verifiesPerOp} verif${verifiesPerOp === 1 ? "y" : "ies"} each) | ratio ${pct.toFixed(1)}%`,
  );
}

function assertValid(name: string, result: { valid: boolean; failures: unknown[] }): void {
  if (!result.valid) throw new Error(`${name} vector did not verify: ${JSON.stringify(result.failures)}`);
}

// ------------------------------------------------------------------------------------------------ SNP
{
  const report_ = readFileSync(vectorPath("snp", "gsg_milan_v2", "report.bin"));
  const vcek = readFileSync(vectorPath("snp", "gsg_milan_v2", "vcek.der"));
  // gsg_milan_v2 is a genuine debug guest (policy 0xb0000); the benchmark measures verification, so allow it.
  const options = { certificates: [vcek], now: new Date("2024-01-01T00:00:00Z"), allowDebug: true };
  assertValid("SNP", verifySnp(report_, options));

  const key = new X509Certificate(vcek).publicKey;
  // Signature: R and S little-endian, 72 bytes each at 0x2A0 (research/evidence.md §1.5) → P1363 big-endian r‖s.
  const r = Buffer.from(report_.subarray(0x2a0, 0x2a0 + 48)).reverse();
  const s = Buffer.from(report_.subarray(0x2e8, 0x2e8 + 48)).reverse();
  const signature = Buffer.concat([r, s]);
  const signed = report_.subarray(0, 0x2a0);
  // The raw limit uses node:crypto's fastest path: a KeyObject and a DER signature (converted once, here).
  const der = p1363ToDer(signature);
  if (!cryptoVerify("sha384", signed, key, der)) throw new Error("raw SNP verify failed");

  const r_ = rates(
    () => verifySnp(report_, options),
    () => cryptoVerify("sha384", signed, key, der),
  );
  report("SNP", r_.full, r_.raw, 1);
}

// ------------------------------------------------------------------------------------------------ TDX
{
  const quote = readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote.bin"));
  const collateral = collateralFromQvlJson(
    readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote_collateral.json"), "utf8"),
  );
  // Inside the collateral's validity window (tdx_quote.expected.json verification_time_window).
  const options = { collateral, now: new Date("2025-07-01T00:00:00Z") };
  assertValid("TDX", verifyTdx(quote, options));

  const parsed = parseDcapQuote(quote);
  const xy = parsed.attestationKey;
  const attestationKey = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: Buffer.from(xy.subarray(0, 32)).toString("base64url"),
      y: Buffer.from(xy.subarray(32)).toString("base64url"),
    },
    format: "jwk",
  });
  const pem = Buffer.from(parsed.certification.pckCertData).toString("utf8");
  const pck = new X509Certificate(pem.slice(0, pem.indexOf("-----END CERTIFICATE-----") + 25)).publicKey;
  // The QE report is the 384 bytes that precede its signature in the certification data (research §4.3).
  const qeSig = parsed.certification.qeReportSignature;
  const qeSigOffset = Buffer.from(quote).indexOf(Buffer.from(qeSig));
  const qeReport = quote.subarray(qeSigOffset - 384, qeSigOffset);
  const quoteSig = p1363ToDer(parsed.signature);
  const qeReportSig = p1363ToDer(qeSig);
  if (!cryptoVerify("sha256", parsed.signedRegion, attestationKey, quoteSig))
    throw new Error("raw TDX quote verify failed");
  if (!cryptoVerify("sha256", qeReport, pck, qeReportSig)) throw new Error("raw TDX QE report verify failed");

  let flip = false;
  const r_ = rates(
    () => verifyTdx(quote, options),
    () => {
      flip = !flip;
      if (flip) cryptoVerify("sha256", parsed.signedRegion, attestationKey, quoteSig);
      else cryptoVerify("sha256", qeReport, pck, qeReportSig);
    },
  );
  report("TDX", r_.full, r_.raw, 2);
}

// ------------------------------------------------------------------------------------------------ fresh evidence
// A relying party sees a new report or quote every time (a fresh nonce in REPORT_DATA), so per-evidence work
// cannot be cached: the genuine vectors above are verified again and again and profit from the verifiers'
// exact-bytes caches. Here every verification gets evidence it has never seen, made by the simulator with
// distinct REPORT_DATA under one simulated platform (so only the certificate chain and collateral repeat, as
// on a real host), and is compared with the same raw limit.
{
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "cocoon-bench-sim-"));
  try {
    const sim = await Simulator.open({ stateDir });
    const trust = await sim.trustAnchors(["Milan"]);
    const count = smoke ? 50 : 400;
    const nonce = (i: number): Uint8Array => createHash("sha512").update(`nonce ${i}`).digest();

    const snp: Uint8Array[] = [];
    let vcek: Uint8Array | undefined;
    let ask: Uint8Array | undefined;
    for (let i = 0; i < count; i++) {
      const made = await sim.snpReport({ reportData: nonce(i) });
      snp.push(made.report);
      vcek ??= made.leaf;
      ask ??= made.intermediate;
    }
    const snpOptions = { certificates: [vcek!, ask!], trust };
    assertValid("simulated SNP", verifySnp(snp[0]!, snpOptions));
    const vcekKey = new X509Certificate(Buffer.from(vcek!)).publicKey;
    const snpSigs = snp.map((r) =>
      p1363ToDer(
        Buffer.concat([
          Buffer.from(r.subarray(0x2a0, 0x2a0 + 48)).reverse(),
          Buffer.from(r.subarray(0x2e8, 0x2e8 + 48)).reverse(),
        ]),
      ),
    );
    let i = 0;
    let j = 0;
    const snpRates = rates(
      () => verifySnp(snp[i++ % count]!, snpOptions),
      () => {
        const k = j++ % count;
        cryptoVerify("sha384", snp[k]!.subarray(0, 0x2a0), vcekKey, snpSigs[k]!);
      },
    );
    report("SNP fresh", snpRates.full, snpRates.raw, 1);

    const tdx: Uint8Array[] = [];
    let collateral: DcapCollateral | undefined;
    for (let k = 0; k < count; k++) {
      const made = await sim.tdxQuote({ reportData: nonce(k) });
      tdx.push(made.quote);
      collateral ??= made.collateral;
    }
    const tdxOptions = { collateral, trust };
    assertValid("simulated TDX", verifyTdx(tdx[0]!, tdxOptions));
    const raw = tdx.map((q) => {
      const parsed = parseDcapQuote(q);
      const xy = parsed.attestationKey;
      const key = createPublicKey({
        key: {
          kty: "EC",
          crv: "P-256",
          x: Buffer.from(xy.subarray(0, 32)).toString("base64url"),
          y: Buffer.from(xy.subarray(32)).toString("base64url"),
        },
        format: "jwk",
      });
      return { signed: parsed.signedRegion, key, sig: p1363ToDer(parsed.signature) };
    });
    i = 0;
    j = 0;
    const tdxRates = rates(
      () => verifyTdx(tdx[i++ % count]!, tdxOptions),
      () => {
        // Two verifies per quote, as above; the second stands for the QE report verify (same curve and size).
        const r = raw[j++ % count]!;
        cryptoVerify("sha256", r.signed, r.key, r.sig);
        cryptoVerify("sha256", r.signed, r.key, r.sig);
      },
    );
    report("TDX fresh", tdxRates.full, tdxRates.raw * 2, 2);
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
