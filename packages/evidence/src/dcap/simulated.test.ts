/** Simulator-style evidence: same formats, a non-genuine root added through trust.intelRoots, marked simulated. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { verifyTdx } from "./verify.ts";
import { buildSimulatedTdx } from "./sim-pki.ts";
import { loadQuote } from "./test-support.ts";

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

test("collateral signed by a PCK key under a valid chain is not accepted as Intel's TCB signing key", async () => {
  const sim = await buildSimulatedTdx({ forgeTcbInfoWithPck: true });
  const r = verifyTdx(sim.quote, {
    now: sim.now,
    collateral: sim.collateral,
    trust: { intelRoots: [sim.rootDer] },
  });
  const chain = r.failures.find((x) => x.check === "tdx.collateral.tcb_info.chain");
  assert.ok(chain);
  assert.match(chain.actual, /not "Intel SGX TCB Signing"/);
  assert.equal(r.tcbStatus, "Unknown");
});

test("TD 1.5: a TD launched out of date on a platform now up to date is advised to relaunch", async () => {
  const trustOf = (rootDer: Uint8Array) => ({ intelRoots: [rootDer] });
  const relaunch = await buildSimulatedTdx({ td15: { launch: [3, 1, 3], current: [6, 1, 3] } });
  const r = verifyTdx(relaunch.quote, {
    now: relaunch.now,
    collateral: relaunch.collateral,
    trust: trustOf(relaunch.rootDer),
  });
  assert.deepEqual(r.failures, []);
  assert.equal(r.tcbStatus, "TDRelaunchAdvised");
  assert.deepEqual(r.advisoryIds, ["INTEL-SA-00998"], "the launch module level's advisories stay visible");
  assert.equal((r.claims["quote"] as { type: string }).type, "0300");

  const current = await buildSimulatedTdx({ td15: { launch: [6, 1, 3], current: [6, 1, 3] } });
  const ok = verifyTdx(current.quote, {
    now: current.now,
    collateral: current.collateral,
    trust: trustOf(current.rootDer),
  });
  assert.equal(ok.tcbStatus, "UpToDate");

  const stillOld = await buildSimulatedTdx({ td15: { launch: [3, 1, 3], current: [3, 1, 3] } });
  const old = verifyTdx(stillOld.quote, {
    now: stillOld.now,
    collateral: stillOld.collateral,
    trust: trustOf(stillOld.rootDer),
  });
  assert.equal(old.tcbStatus, "OutOfDate");
  assert.deepEqual(old.failures, []);

  const unsupported = await buildSimulatedTdx({ td15: { launch: [6, 1, 3], current: [6, 2, 3] } });
  const bad = verifyTdx(unsupported.quote, {
    now: unsupported.now,
    collateral: unsupported.collateral,
    trust: trustOf(unsupported.rootDer),
  });
  assert.deepEqual(
    bad.failures.map((f) => f.check),
    ["tdx.tcb.current_level"],
  );
  assert.match(bad.failures[0]!.actual, /TDX_02/);
});

test("a genuine quote judged with simulated collateral fails: one quote, one root", async () => {
  const sim = await buildSimulatedTdx();
  const genuine = loadQuote("tdx/dcapqvl/tdx_quote.bin");
  const r = verifyTdx(genuine, {
    now: new Date("2025-07-01T00:00:00Z"),
    collateral: sim.collateral,
    trust: { intelRoots: [sim.rootDer] },
  });
  assert.ok(r.failures.some((f) => f.check === "tdx.trust.single_root"));
  assert.equal(r.valid, false);
  assert.equal(r.simulated, true);
});

test("F18 a PCK CA on the root CA CRL is revoked", async () => {
  const sim = await buildSimulatedTdx({ revokePckCa: true });
  const r = verifyTdx(sim.quote, {
    now: sim.now,
    collateral: sim.collateral,
    trust: { intelRoots: [sim.rootDer] },
  });
  assert.deepEqual(
    r.failures.map((x) => x.check),
    ["tdx.collateral.ca_revocation"],
  );
  assert.match(r.failures[0]!.actual, /^PCK CA /);
});
