/** Simulator-style evidence: same formats, a non-genuine root added through trust.intelRoots, marked simulated. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { verifyTdx } from "./verify.ts";
import { buildSimulatedTdx } from "./sim-pki.ts";

test("a quote under a simulated root verifies only when that root is added, and is marked simulated", async () => {
  const sim = await buildSimulatedTdx();
  const ok = verifyTdx(sim.quote, {
    now: sim.now,
    collateral: sim.collateral,
    trust: { intelRoots: [sim.rootDer] },
  });
  assert.deepEqual(ok.failures, []);
  assert.equal(ok.valid, true);
  assert.equal(ok.simulated, true);
  assert.equal(ok.claims["simulated"], true);
  assert.equal(ok.tcbStatus, "UpToDate");
  assert.equal(ok.claims["tcb_status"], "UpToDate");
  assert.equal((ok.claims["quote"] as { body: { mr_td: string } }).body.mr_td, "ab".repeat(48));

  const simOnly = verifyTdx(sim.quote, {
    now: sim.now,
    collateral: sim.collateral,
    trust: { intelRoots: [sim.rootDer], genuineRoots: false },
  });
  assert.deepEqual(simOnly.failures, []);

  const genuineOnly = verifyTdx(sim.quote, { now: sim.now, collateral: sim.collateral });
  const f = genuineOnly.failures.map((x) => x.check);
  assert.ok(f.includes("tdx.pck.chain"));
  assert.ok(f.includes("tdx.collateral.tcb_info.chain"));
  assert.ok(f.includes("tdx.collateral.root_crl.signature"));
  assert.equal(genuineOnly.tcbStatus, "Unknown");
  assert.equal(genuineOnly.simulated, undefined, "nothing verified under a simulated root");
});

test("F16 a look-alike root with Intel's exact DN is rejected by fingerprint", async () => {
  const sim = await buildSimulatedTdx({ intelLikeNames: true });
  const r = verifyTdx(sim.quote, { now: sim.now, collateral: sim.collateral });
  const chain = r.failures.find((x) => x.check === "tdx.pck.chain");
  assert.ok(chain);
  assert.match(chain.actual, /untrusted root \(SHA-256 [0-9a-f]{64}\)/);
});

test("F18 a PCK certificate on the PCK CRL is revoked", async () => {
  const sim = await buildSimulatedTdx({ revokePck: true });
  const r = verifyTdx(sim.quote, {
    now: sim.now,
    collateral: sim.collateral,
    trust: { intelRoots: [sim.rootDer] },
  });
  assert.deepEqual(
    r.failures.map((x) => x.check),
    ["tdx.pck.revocation"],
  );
});

test("F7 a simulated debug TD is rejected unless allowDebug", async () => {
  const sim = await buildSimulatedTdx({ debug: true });
  const opts = { now: sim.now, collateral: sim.collateral, trust: { intelRoots: [sim.rootDer] } };
  assert.deepEqual(
    verifyTdx(sim.quote, opts).failures.map((x) => x.check),
    ["tdx.debug"],
  );
  assert.deepEqual(verifyTdx(sim.quote, { ...opts, allowDebug: true }).failures, []);
});
