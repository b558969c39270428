import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseSnpReport, verifySnp } from "@cocoon/evidence";
import { sharedSimulator, tempDir } from "../test/fixture.ts";
import { SimulatorInputError, TsmReportError } from "../errors.ts";
import { CERT_TABLE_GUID, decodeCertTable } from "../snp/cert-table.ts";
import { readTsmReport, requestTsmReport } from "./reader.ts";
import type { TsmIo } from "./io.ts";

const measurement = Buffer.alloc(48, 0x5a);

async function rejectsWithErrno(promise: Promise<unknown>, errno: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof TsmReportError && error.errno === errno);
}

test("sev_guest: inblob → REPORT_DATA, privlevel → VMPL, auxblob = cert table; the report verifies", async () => {
  const sim = await sharedSimulator();
  const device = await sim.tsmDevice(path.join(tempDir(), "report"), { tee: "snp", measurement });
  const nonce = Buffer.from("fresh nonce from the relying party");
  const report = await requestTsmReport(
    { inblob: nonce, privlevel: 1 },
    { root: device.root, io: device.io },
  );
  assert.equal(report.provider, "sev_guest");
  assert.equal(report.generation, 2); // privlevel write + inblob write
  const parsed = parseSnpReport(report.outblob);
  assert.equal(parsed.vmpl, 1);
  assert.deepEqual(parsed.reportData.subarray(0, nonce.length), new Uint8Array(nonce));
  assert.ok(parsed.reportData.subarray(nonce.length).every((b) => b === 0));
  const certs = decodeCertTable(report.auxblob);
  assert.deepEqual(
    certs.map((c) => c.guid),
    [CERT_TABLE_GUID.vcek, CERT_TABLE_GUID.ask, CERT_TABLE_GUID.ark],
  );
  const result = verifySnp(report.outblob, {
    trust: await sim.trustAnchors(["Milan"]),
    certificates: certs.map((c) => c.data),
    expectedReportData: nonce,
    expectedMeasurement: measurement,
    maxVmpl: 1,
  });
  assert.deepEqual(result.failures, []);
  assert.equal(result.simulated, true);
});

test("concurrent requests each get a private report directory and their own report", async () => {
  const sim = await sharedSimulator();
  const device = await sim.tsmDevice(path.join(tempDir(), "report"), { tee: "snp" });
  const nonces = ["one", "two", "three"].map((n) => Buffer.from(n));
  const reports = await Promise.all(
    nonces.map((inblob) => requestTsmReport({ inblob }, { root: device.root, io: device.io })),
  );
  reports.forEach((r, i) => {
    assert.deepEqual(
      parseSnpReport(r.outblob).reportData.subarray(0, nonces[i]!.length),
      new Uint8Array(nonces[i]!),
    );
  });
});

test("generation counts writes; outblob is cached until an input changes; files are mirrored on disk", async () => {
  const sim = await sharedSimulator();
  const device = await sim.tsmDevice(path.join(tempDir(), "report"), { tee: "snp" });
  const dir = path.join(device.root, "entry0");
  await device.io.mkdir(dir);
  assert.equal(await readFile(path.join(dir, "provider"), "utf8"), "sev_guest\n");
  assert.equal(await readFile(path.join(dir, "generation"), "utf8"), "0\n");
  assert.equal(await readFile(path.join(dir, "privlevel_floor"), "utf8"), "0\n");
  await rejectsWithErrno(device.io.readFile(path.join(dir, "outblob")), "EINVAL");
  await device.io.writeFile(path.join(dir, "inblob"), Buffer.from("a"));
  const first = await device.io.readFile(path.join(dir, "outblob"));
  const again = await device.io.readFile(path.join(dir, "outblob"));
  assert.deepEqual(again, first, "no write in between: the same report (REPORT_ID is random per report)");
  assert.deepEqual(new Uint8Array(await readFile(path.join(dir, "outblob"))), first);
  await device.io.writeFile(path.join(dir, "inblob"), Buffer.from("a"));
  const regenerated = await device.io.readFile(path.join(dir, "outblob"));
  assert.notDeepEqual(regenerated, first, "a write (even of the same bytes) makes a new report");
  assert.equal(await readFile(path.join(dir, "generation"), "utf8"), "2\n");
});

test("the kernel's refusals: oversized inblob, bad privlevel, read-only and write-only attributes", async () => {
  const sim = await sharedSimulator();
  const device = await sim.tsmDevice(path.join(tempDir(), "report"), { tee: "snp" });
  const dir = path.join(device.root, "e");
  await device.io.mkdir(dir);
  await rejectsWithErrno(device.io.mkdir(dir), "EEXIST");
  await rejectsWithErrno(device.io.writeFile(path.join(dir, "inblob"), new Uint8Array(65)), "EFBIG");
  await rejectsWithErrno(device.io.writeFile(path.join(dir, "privlevel"), Buffer.from("4\n")), "EINVAL");
  await rejectsWithErrno(device.io.writeFile(path.join(dir, "privlevel"), Buffer.from("x")), "EINVAL");
  await rejectsWithErrno(device.io.writeFile(path.join(dir, "outblob"), Buffer.from("x")), "EACCES");
  await rejectsWithErrno(device.io.readFile(path.join(dir, "inblob")), "EACCES");
  await rejectsWithErrno(device.io.readFile(path.join(dir, "nonsense")), "ENOENT");
  await assert.rejects(readTsmReport(dir, { inblob: new Uint8Array(0) }, device.io), TsmReportError);
  await assert.rejects(
    readTsmReport(dir, { inblob: Buffer.from("x"), privlevel: 9 }, device.io),
    TsmReportError,
  );
});

test("bad launch options are refused when the device is made, not at the first report", async () => {
  const sim = await sharedSimulator();
  const root = path.join(tempDir(), "report");
  await assert.rejects(
    sim.tsmDevice(root, { tee: "snp", measurement: new Uint8Array(5) }),
    SimulatorInputError,
  );
  await assert.rejects(sim.tsmDevice(root, { tee: "tdx", mrTd: new Uint8Array(5) }), SimulatorInputError);
  await assert.rejects(sim.amd("Bergamo" as "Milan"), SimulatorInputError);
});

test("tdx_guest: 64-byte inblob only, no privlevel attribute, quote in outblob and empty auxblob", async () => {
  const sim = await sharedSimulator();
  const device = await sim.tsmDevice(path.join(tempDir(), "report"), {
    tee: "tdx",
    mrTd: Buffer.alloc(48, 7),
  });
  const reportData = Buffer.alloc(64, 0x42);
  const report = await requestTsmReport({ inblob: reportData }, { root: device.root, io: device.io });
  assert.equal(report.provider, "tdx_guest");
  assert.equal(report.auxblob.length, 0);
  const view = new DataView(report.outblob.buffer, report.outblob.byteOffset);
  assert.equal(view.getUint16(0, true), 4);
  assert.deepEqual(report.outblob.subarray(48 + 520, 48 + 584), new Uint8Array(reportData));
  await assert.rejects(
    requestTsmReport({ inblob: reportData, privlevel: 0 }, { root: device.root, io: device.io }),
    (e: unknown) => e instanceof TsmReportError && e.errno === "ENOENT",
  );
  await assert.rejects(
    requestTsmReport({ inblob: Buffer.alloc(32) }, { root: device.root, io: device.io }),
    (e: unknown) => e instanceof TsmReportError && e.errno === "EINVAL",
  );
});

test("the reader detects another writer (generation moved) instead of returning someone else's report", async () => {
  const sim = await sharedSimulator();
  const device = await sim.tsmDevice(path.join(tempDir(), "report"), { tee: "snp" });
  const dir = path.join(device.root, "shared");
  await device.io.mkdir(dir);
  const racing: TsmIo = {
    ...device.io,
    async readFile(file) {
      if (file.endsWith("outblob"))
        await device.io.writeFile(path.join(dir, "inblob"), Buffer.from("intruder"));
      return device.io.readFile(file);
    },
  };
  await rejectsWithErrno(readTsmReport(dir, { inblob: Buffer.from("mine") }, racing), "EBUSY");
});

test("with node:fs on a directory that is not live configfs, the reader refuses stale data", async () => {
  // A regular directory shaped like a report entry: writes do not bump `generation`, as no kernel runs them.
  const dir = path.join(tempDir(), "fake-entry");
  await mkdir(dir);
  await writeFile(path.join(dir, "provider"), "sev_guest\n");
  await writeFile(path.join(dir, "generation"), "0\n");
  await writeFile(path.join(dir, "outblob"), "stale");
  await rejectsWithErrno(readTsmReport(dir, { inblob: Buffer.from("n") }), "EBUSY");
  await assert.rejects(
    requestTsmReport({ inblob: Buffer.from("n") }, { root: path.join(dir, "missing", "deeper") }),
    TsmReportError,
  );
});
