import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Simulator, simulatedTrustAnchors } from "./simulator.ts";
import { SimulatorStateError } from "./errors.ts";
import { StateDir } from "./state.ts";
import { tempDir } from "./test/fixture.ts";

const tcb = { bootloader: 2, tee: 0, snp: 5, microcode: 68 };

test("reopening a state directory reuses every key: same roots, same VCEK and PCK certificates", async () => {
  const stateDir = path.join(tempDir(), "state");
  const first = await Simulator.open({ stateDir });
  const anchors = await first.trustAnchors(["Milan"]);
  const snp1 = await first.snpReport({ tcb });
  const tdx1 = await first.tdxQuote({});

  const second = await Simulator.open({ stateDir });
  assert.deepEqual(await second.trustAnchors(["Milan"]), anchors);
  assert.deepEqual(await simulatedTrustAnchors({ stateDir, products: ["Milan"] }), anchors);
  const snp2 = await second.snpReport({ tcb });
  assert.deepEqual(snp2.leaf, snp1.leaf, "VCEK certificate issued once per TCB and kept");
  assert.deepEqual(snp2.intermediate, snp1.intermediate);
  assert.deepEqual((await second.amd("Milan")).chipId, (await first.amd("Milan")).chipId);
  const tdx2 = await second.tdxQuote({});
  assert.deepEqual(tdx2.pckChain, tdx1.pckChain);
  // The attestation key persisted: the same raw key sits at offset 700 of both quotes.
  assert.deepEqual(tdx2.quote.subarray(700, 764), tdx1.quote.subarray(700, 764));

  // A new TCB means a new VCEK (a different derived key), as on hardware.
  const other = await second.snpReport({ tcb: { ...tcb, snp: 6 } });
  assert.notDeepEqual(other.leaf, snp1.leaf);

  // Secrets are private to the user.
  for (const file of [
    "amd/Milan/ca/ark.key",
    "amd/Milan/ca/chip-secret",
    "intel/ca/root.key",
    "intel/ca/attestation.key",
  ]) {
    assert.equal((await stat(path.join(stateDir, file))).mode & 0o077, 0, `${file} is 0600`);
  }
});

test("existing anchors and issued certificates are read without creating anything", async () => {
  const stateDir = path.join(tempDir(), "state");
  const sim = await Simulator.open({ stateDir });
  assert.deepEqual(await sim.existingTrustAnchors(), { amdRoots: [], intelRoots: [], genuineRoots: false });
  assert.deepEqual(await sim.issuedCertificates(), []);
  assert.deepEqual(await readdir(stateDir), ["state.json"], "nothing was generated");
  const report = await sim.snpReport({ tcb });
  const anchors = await sim.existingTrustAnchors();
  assert.deepEqual(anchors.amdRoots, [report.ark]);
  assert.deepEqual(anchors.intelRoots, []);
  assert.deepEqual(await sim.issuedCertificates(), [report.intermediate, report.leaf]);
});

test("keys are generated per state directory, never built in", async () => {
  const a = await Simulator.open({ stateDir: path.join(tempDir(), "a") });
  const b = await Simulator.open({ stateDir: path.join(tempDir(), "b") });
  const [ta, tb] = [await a.trustAnchors(["Milan"]), await b.trustAnchors(["Milan"])];
  assert.notDeepEqual(ta.amdRoots, tb.amdRoots);
  assert.notDeepEqual(ta.intelRoots, tb.intelRoots);
});

test("a foreign, corrupt or half-written state directory is a typed SimulatorStateError", async () => {
  const foreign = tempDir();
  await writeFile(path.join(foreign, "something-else.txt"), "not ours");
  await assert.rejects(StateDir.open(foreign), SimulatorStateError);

  const aFile = path.join(tempDir(), "file");
  await writeFile(aFile, "x");
  await assert.rejects(StateDir.open(aFile), SimulatorStateError);
  await assert.rejects(StateDir.open(path.join(aFile, "below")), SimulatorStateError);

  const badMarker = tempDir();
  await writeFile(path.join(badMarker, "state.json"), "{not json");
  await assert.rejects(StateDir.open(badMarker), SimulatorStateError);
  await writeFile(
    path.join(badMarker, "state.json"),
    JSON.stringify({ format: "cocoon-simulator-state", version: 99 }),
  );
  await assert.rejects(StateDir.open(badMarker), SimulatorStateError);

  const stateDir = path.join(tempDir(), "state");
  const sim = await Simulator.open({ stateDir });
  await sim.intel();
  await rm(path.join(stateDir, "intel/ca/pck-ca.key"));
  const reopened = await Simulator.open({ stateDir });
  await assert.rejects(
    reopened.intel(),
    (e: unknown) => e instanceof SimulatorStateError && /pck-ca\.key/.test(e.message),
  );
});

test("two simulators racing to create the same hierarchy end up with one consistent set of keys", async () => {
  const stateDir = path.join(tempDir(), "race");
  await mkdir(stateDir);
  const [a, b] = await Promise.all([Simulator.open({ stateDir }), Simulator.open({ stateDir })]);
  const [ia, ib] = await Promise.all([a.intel(), b.intel()]);
  const onDisk = await Simulator.open({ stateDir }).then((s) => s.intel());
  // Whoever lost the rename reads the winner's files, so both agree with the disk.
  assert.deepEqual(ia.rootDer, onDisk.rootDer);
  assert.deepEqual(ib.rootDer, onDisk.rootDer);
  assert.deepEqual(
    (await readdir(path.join(stateDir, "intel"))).filter((n) => n.includes(".tmp-")),
    [],
  );
});
