/** `cocoon evidence verify`, run in-process against the real vectors and a simulator state directory. */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { vectorPath } from "@cocoon/core";
import {
  runEvidenceVerify,
  registerEvidenceVerify,
  nodeIo,
  type EvidenceVerifyArgs,
} from "./evidence-verify.ts";
import { captureConsole } from "./capture-console.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: EvidenceVerifyArgs): Promise<Run> {
  const captured = captureConsole();
  const code = await runEvidenceVerify(args, { ...captured, readFile: nodeIo.readFile });
  return { code, stdout: captured.out, stderr: captured.err };
}

const AT = "2026-06-01T00:00:00Z";
const V2_NONCE =
  "982f5c6e45df0ed3f10b6f60b02f0c8390e281300f3805e2279c16168cd6ae9aa398f647caa2338748cd0fd9f5f819ef";

describe("cocoon evidence verify", () => {
  test("valid Azure SNP evidence: detected, exit 0, checks and claims printed", async () => {
    const r = await run({
      file: vectorPath("azure", "snp", "evidence-v2.json"),
      reportData: V2_NONCE,
      at: AT,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tee: +az-snp-vtpm \(detected\)/);
    assert.match(r.stdout, /result: +VALID/);
    assert.match(r.stdout, /pass {2}azure\.tpm\.signature/);
    assert.match(r.stdout, /pass {2}snp\.signature/);
    assert.match(r.stdout, /tpm\.pcr00: 84275b2f4312cd4f/);
  });

  test("--json prints one object with valid, tee, claims, tcbStatus, failures", async () => {
    const r = await run({
      file: vectorPath("azure", "snp", "evidence-v2.json"),
      reportData: V2_NONCE,
      at: AT,
      json: true,
    });
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out["valid"], true);
    assert.equal(out["tee"], "az-snp-vtpm");
    assert.equal(out["tcbStatus"], "UpToDate");
    assert.deepEqual(out["failures"], []);
    assert.equal((out["claims"] as Record<string, unknown>)["report_data"], V2_NONCE);
  });

  test("invalid evidence (wrong nonce) exits 1 and names the failed check", async () => {
    const r = await run({
      file: vectorPath("azure", "snp", "evidence-v1.json"),
      reportData: "00",
      at: AT,
      json: true,
    });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as {
      valid: boolean;
      failures: { check: string; expected: string; actual: string }[];
    };
    assert.equal(out.valid, false);
    assert.deepEqual(out.failures, [
      { check: "azure.tpm.nonce", expected: "00", actual: "6368616c6c656e6765" },
    ]);
    const text = await run({
      file: vectorPath("azure", "snp", "evidence-v1.json"),
      reportData: "00",
      at: AT,
    });
    assert.match(text.stdout, /FAIL {2}azure\.tpm\.nonce/);
    assert.match(text.stdout, /INVALID \(1 failed check\)/);
  });

  test("an expired certificate at --at is a failure (exit 1)", async () => {
    const r = await run({
      file: vectorPath("azure", "snp", "evidence-v1.json"),
      at: "2040-01-01",
      json: true,
    });
    assert.equal(r.code, 1);
    assert.ok(
      (JSON.parse(r.stdout) as { failures: { check: string }[] }).failures.some(
        (f) => f.check === "snp.cert.validity",
      ),
    );
  });

  test("--tee tpm with --cert pins the AK; TPM and SNP (raw + --cert) verify", async () => {
    const evidence = vectorPath("trustee", "tpm", "tpm_evidence.json");
    const ak = (JSON.parse(readFileSync(evidence, "utf8")) as { ak_public: string }).ak_public;
    const dir = mkdtempSync(path.join(tmpdir(), "cocoon-ak-"));
    try {
      const trusted = path.join(dir, "ak.der");
      writeFileSync(trusted, Buffer.from(ak, "base64"));
      const other = path.join(dir, "other.pem");
      writeFileSync(
        other,
        generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }),
      );
      const tpm = await run({ file: evidence, tee: "tpm", cert: [trusted], json: true });
      assert.equal(tpm.code, 0, tpm.stdout);
      const untrusted = await run({ file: evidence, tee: "tpm", cert: [other], json: true });
      assert.equal(untrusted.code, 1);
      assert.deepEqual(
        (JSON.parse(untrusted.stdout) as { failures: { check: string }[] }).failures.map((f) => f.check),
        ["tpm.ak.trusted"],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const snp = await run({
      file: vectorPath("snp", "gsg_milan_v2", "report.bin"),
      cert: [vectorPath("snp", "gsg_milan_v2", "vcek.der")],
      at: AT,
      json: true,
    });
    const out = JSON.parse(snp.stdout) as { tee: string; failures: { check: string }[] };
    assert.equal(out.tee, "snp");
    assert.ok(!out.failures.some((f) => f.check === "snp.signature"));
  });

  test("unreadable input and bad usage exit 2", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cocoon-cli-"));
    try {
      const garbage = path.join(dir, "garbage.bin");
      writeFileSync(garbage, Buffer.alloc(10, 1));
      const cases: EvidenceVerifyArgs[] = [
        { file: path.join(dir, "missing.json") },
        { file: garbage },
        { file: vectorPath("azure", "snp", "evidence-v1.json"), tee: "nonsense" },
        { file: vectorPath("azure", "snp", "evidence-v1.json"), reportData: "xyz" },
        { file: vectorPath("azure", "snp", "evidence-v1.json"), at: "yesterday" },
        { file: vectorPath("azure", "snp", "evidence-v1.json"), tee: "tpm" },
        { file: vectorPath("azure", "snp", "evidence-v1.json"), tee: "sample", collateral: garbage },
        { file: vectorPath("azure", "tdx", "evidence-v1.json"), collateral: garbage },
        {
          file: vectorPath("azure", "snp", "evidence-v1.json"),
          tee: "sim",
          simState: path.join(dir, "none"),
        },
      ];
      for (const args of cases) {
        const r = await run({ ...args, json: true });
        assert.equal(r.code, 2, JSON.stringify(args));
        assert.ok(r.stderr.startsWith("cocoon evidence verify: "), r.stderr);
        assert.equal((JSON.parse(r.stdout) as { valid: boolean }).valid, false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("registerEvidenceVerify adds `verify` with every documented option", () => {
    const evidence = new Command("evidence");
    registerEvidenceVerify(evidence);
    const verify = evidence.commands.find((c) => c.name() === "verify");
    assert.ok(verify);
    const flags = verify.options.map((o) => o.long);
    for (const flag of [
      "--tee",
      "--cert",
      "--collateral",
      "--report-data",
      "--at",
      "--json",
      "--sim-state",
    ]) {
      assert.ok(flags.includes(flag), flag);
    }
  });
});

describe("cocoon evidence verify --tee sim", () => {
  let dir: string;
  let reportFile: string;
  let quoteFile: string;
  let collateralFile: string;
  const reportData = Buffer.alloc(64, 0xab);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "cocoon-sim-"));
    // Imported here so the rest of this file does not depend on the simulator package.
    const { Simulator, collateralToQvlJson } = await import("@cocoon/simulator");
    const sim = await Simulator.open({ stateDir: path.join(dir, "state") });
    const made = await sim.snpReport({ reportData });
    reportFile = path.join(dir, "report.bin");
    writeFileSync(reportFile, made.report);
    const td = await sim.tdxQuote({ reportData });
    quoteFile = path.join(dir, "quote.bin");
    writeFileSync(quoteFile, td.quote);
    collateralFile = path.join(dir, "collateral.json");
    writeFileSync(collateralFile, collateralToQvlJson(td.collateral));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test("simulator evidence verifies against the simulator's roots, marked simulated", async () => {
    const r = await run({
      file: reportFile,
      tee: "sim",
      simState: path.join(dir, "state"),
      reportData: reportData.toString("hex"),
      json: true,
    });
    const out = JSON.parse(r.stdout) as {
      valid: boolean;
      tee: string;
      simulated: boolean;
      failures: unknown[];
    };
    assert.deepEqual(out.failures, []);
    assert.equal(r.code, 0);
    assert.equal(out.tee, "snp");
    assert.equal(out.simulated, true);
  });

  test("a simulated TDX quote with its simulated collateral verifies, UpToDate, simulated", async () => {
    const r = await run({
      file: quoteFile,
      tee: "sim",
      simState: path.join(dir, "state"),
      collateral: collateralFile,
      reportData: reportData.toString("hex"),
      json: true,
    });
    const out = JSON.parse(r.stdout) as {
      tee: string;
      tcbStatus: string;
      simulated: boolean;
      failures: unknown[];
    };
    assert.deepEqual(out.failures, []);
    assert.equal(r.code, 0);
    assert.equal(out.tee, "tdx");
    assert.equal(out.tcbStatus, "UpToDate");
    assert.equal(out.simulated, true);
  });

  test("the same simulator evidence fails against the genuine roots (exit 1)", async () => {
    const r = await run({ file: reportFile, json: true });
    assert.equal(r.code, 1);
  });
});
