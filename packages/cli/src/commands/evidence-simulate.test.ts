import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { decodePemBlocks } from "@cocoon/core";
import { collateralFromQvlJson, parseSnpReport, verifySnp, verifyTdx } from "@cocoon/evidence";
import { simulatedTrustAnchors } from "@cocoon/simulator";
import {
  registerEvidenceSimulate,
  runEvidenceSimulate,
  type EvidenceSimulateIo,
} from "./evidence-simulate.ts";
import { captureConsole } from "./capture-console.ts";

const work = mkdtempSync(path.join(os.tmpdir(), "cocoon-cli-sim-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const state = path.join(work, "state");

function memoryIo() {
  const files = new Map<string, Uint8Array>();
  const captured = captureConsole();
  const io: EvidenceSimulateIo = {
    ...captured,
    writeFile: async (file, data) =>
      void files.set(file, typeof data === "string" ? Buffer.from(data) : data),
  };
  return { io, files, captured };
}

const measurement = "ab".repeat(48);
const reportData = "0123456789abcdef";

test("--tee snp writes the report and its chain; it verifies against the state dir's simulated roots", async () => {
  const m = memoryIo();
  const code = await runEvidenceSimulate(
    { tee: "snp", measurement, hostData: "cd".repeat(32), reportData, state, output: "ev.bin" },
    m.io,
  );
  assert.equal(code, 0, m.captured.err);
  assert.deepEqual([...m.files.keys()], ["ev.bin", "ev.bin.certs.pem"]);
  assert.match(m.captured.out, /SIMULATED SEV-SNP report/);
  const report = m.files.get("ev.bin")!;
  assert.equal(Buffer.from(parseSnpReport(report).measurement).toString("hex"), measurement);
  const certs = decodePemBlocks(Buffer.from(m.files.get("ev.bin.certs.pem")!).toString()).map(
    (b) => new Uint8Array(b.der),
  );
  assert.equal(certs.length, 3);
  const trust = await simulatedTrustAnchors({ stateDir: state, products: ["Milan"] });
  const result = verifySnp(report, {
    trust,
    certificates: certs,
    expectedReportData: Buffer.from(reportData, "hex"),
  });
  assert.deepEqual(result.failures, []);
  assert.equal(result.simulated, true);
  assert.equal(
    verifySnp(report, { certificates: certs }).valid,
    false,
    "not without trusting the simulated root",
  );
});

test("--tee tdx writes quote, chain and QuoteCollateralV3 collateral; --debug makes a debug TD", async () => {
  const m = memoryIo();
  const code = await runEvidenceSimulate(
    { tee: "tdx", measurement, reportData, state, output: "q.dat", debug: true, reportVersion: "5" },
    m.io,
  );
  assert.equal(code, 0, m.captured.err);
  assert.deepEqual([...m.files.keys()], ["q.dat", "q.dat.certs.pem", "q.dat.collateral.json"]);
  const quote = m.files.get("q.dat")!;
  assert.equal(
    new DataView(quote.buffer, quote.byteOffset).getUint16(0, true),
    5,
    "--report-version 5: a v5 quote",
  );
  const collateral = collateralFromQvlJson(Buffer.from(m.files.get("q.dat.collateral.json")!).toString());
  const trust = await simulatedTrustAnchors({ stateDir: state, products: ["Milan"] });
  const strict = verifyTdx(quote, { trust, collateral });
  assert.equal(strict.valid, false);
  assert.ok(
    strict.failures.every((f) => /debug/i.test(f.check)),
    JSON.stringify(strict.failures),
  );
  const lenient = verifyTdx(quote, {
    trust,
    collateral,
    allowDebug: true,
    expectedReportData: Buffer.from(reportData, "hex"),
  });
  assert.deepEqual(lenient.failures, []);
  assert.equal(lenient.simulated, true);
});

test("bad hex, wrong lengths and unknown TEEs are usage errors: exit 2 with a coded message", async () => {
  const cases = [
    { tee: "snp", measurement: "zz", state, output: "x" },
    { tee: "snp", measurement: "ab", state, output: "x" },
    { tee: "snp", hostData: "ab".repeat(48), state, output: "x" },
    { tee: "tdx", reportData: "00".repeat(65), state, output: "x" },
    { tee: "sgx", state, output: "x" },
    { tee: "snp", product: "Bergamo", state, output: "x" },
    { tee: "snp", reportVersion: "7", state, output: "x" },
    { tee: "tdx", reportVersion: "3", state, output: "x" },
    { tee: "tdx", product: "Milan", state, output: "x" },
    { tee: "snp", signer: "PSP", state, output: "x" },
    { tee: "tdx", signer: "VLEK", state, output: "x" },
  ];
  for (const args of cases) {
    const m = memoryIo();
    assert.equal(await runEvidenceSimulate(args, m.io), 2, JSON.stringify(args));
    assert.match(m.captured.err, /\[ERR_(SIMULATOR_INPUT|INVALID_INPUT)\]/);
    assert.equal(m.files.size, 0);
  }
});

test("a usage error never creates the state directory (no keys minted for a typo)", async () => {
  const fresh = path.join(work, "never-created");
  const m = memoryIo();
  assert.equal(
    await runEvidenceSimulate({ tee: "snp", reportVersion: "9", state: fresh, output: "x" }, m.io),
    2,
  );
  assert.equal(
    await runEvidenceSimulate({ tee: "tdx", measurement: "00", state: fresh, output: "x" }, m.io),
    2,
  );
  assert.equal(existsSync(fresh), false);
});

test("an unusable state directory is exit 1, not a crash", async () => {
  const m = memoryIo();
  const notADir = path.join(work, "file");
  await writeFile(notADir, "x");
  assert.equal(await runEvidenceSimulate({ tee: "snp", state: notADir, output: "x" }, m.io), 1);
  assert.match(m.captured.err, /cocoon evidence simulate:/);
});

test("registered under `evidence`: commander parses the flags and the files land on disk", async () => {
  const program = new Command("cocoon").exitOverride();
  const m = memoryIo();
  const io: EvidenceSimulateIo = { ...m.io, writeFile: (file, data) => writeFile(file, data) };
  registerEvidenceSimulate(program.command("evidence").exitOverride(), io);
  const file = path.join(work, "cli.bin");
  await program.parseAsync(
    [
      "evidence",
      "simulate",
      "--tee",
      "snp",
      "--report-version",
      "3",
      "--signer",
      "vlek",
      "--state",
      state,
      "-o",
      file,
    ],
    {
      from: "user",
    },
  );
  assert.equal(process.exitCode, 0, m.captured.err);
  process.exitCode = undefined;
  assert.match(m.captured.out, /cli\.bin\.certs\.pem/);
  const parsed = parseSnpReport(readFileSync(file));
  assert.equal(parsed.version, 3);
  assert.equal(parsed.keyInfo.signingKey, "VLEK");
  assert.match(readFileSync(`${file}.certs.pem`, "utf8"), /BEGIN CERTIFICATE/);
});
