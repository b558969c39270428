/** Intel TCB evaluation semantics on the real signed tcbInfo documents, mutated after parsing (F22, F23). */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  convergeTcbStatus,
  evaluateQeIdentity,
  evaluateTdxModule,
  matchTcbLevel,
  parseEnclaveIdentity,
  parseTcbInfo,
} from "./tcb-info.ts";
import { loadCollateral } from "./test-support.ts";
import { checkForRelaunch } from "./tcb-status.ts";
import { DcapCollateralError } from "./errors.ts";

const col = loadCollateral("tdx/dcapqvl/tdx_quote_collateral.json");
const info = (): ReturnType<typeof parseTcbInfo> => parseTcbInfo(col.tcbInfo!);
const svn = (...v: number[]): Uint8Array =>
  Uint8Array.from([...v, ...new Array<number>(16 - v.length).fill(0)]);
// dcap-qvl tdx_quote.bin platform: CPUSVN 03030202040100050000…, PCESVN 11, TEE_TCB_SVN 060103…
const platform = {
  cpuSvnComponents: [3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0],
  pceSvn: 11,
  teeTcbSvn: svn(6, 1, 3),
};

test("the first level (document order) the platform meets is selected", () => {
  const m = matchTcbLevel(info(), platform);
  assert.equal(m.level?.tcbStatus, "UpToDate");
  // PCESVN below every level's pcesvn: no SGX level at all (TCB_NOT_SUPPORTED).
  assert.deepEqual(matchTcbLevel(info(), { ...platform, pceSvn: 1 }), {});
  // A lower TDX late-microcode SVN drops to an older level.
  const older = matchTcbLevel(info(), { ...platform, teeTcbSvn: svn(6, 1, 1) });
  assert.notEqual(older.level?.tcbStatus, "UpToDate");
});

test("with a module major SVN > 0 the first two TEE_TCB_SVN components are left to the module identity", () => {
  const doc = info();
  doc.tcbLevels[0]!.tcb.tdxtcbcomponents![0] = 99;
  assert.equal(
    matchTcbLevel(doc, platform).level,
    doc.tcbLevels[0],
    "component 0 ignored when tee_tcb_svn[1] = 1",
  );
  assert.notEqual(
    matchTcbLevel(doc, { ...platform, teeTcbSvn: svn(6, 0, 3) }).level,
    doc.tcbLevels[0],
    "judged when major = 0",
  );
});

test("a Revoked level yields Revoked, and Revoked anywhere wins the convergence", () => {
  const doc = info();
  doc.tcbLevels[0]!.tcbStatus = "Revoked";
  assert.equal(matchTcbLevel(doc, platform).level?.tcbStatus, "Revoked");
  assert.equal(convergeTcbStatus("Revoked", []), "Revoked");
  assert.equal(convergeTcbStatus("UpToDate", ["UpToDate", "Revoked"]), "Revoked");
});

test("convergence follows TdxModuleCheck/TcbLevelCheck: an OutOfDate module or QE degrades the platform status", () => {
  assert.equal(convergeTcbStatus("UpToDate", ["OutOfDate"]), "OutOfDate");
  assert.equal(convergeTcbStatus("SWHardeningNeeded", ["OutOfDate"]), "OutOfDate");
  assert.equal(convergeTcbStatus("ConfigurationNeeded", ["OutOfDate"]), "OutOfDateConfigurationNeeded");
  assert.equal(
    convergeTcbStatus("ConfigurationAndSWHardeningNeeded", ["OutOfDate"]),
    "OutOfDateConfigurationNeeded",
  );
  assert.equal(convergeTcbStatus("SWHardeningNeeded", ["UpToDate"]), "SWHardeningNeeded");
  assert.equal(convergeTcbStatus("OutOfDate", ["UpToDate"]), "OutOfDate");
});

test("TDX module identity: TDX_%02X lookup, MRSIGNER_SEAM, masked SEAM_ATTRIBUTES, ISVSVN level", () => {
  const zero48 = new Uint8Array(48);
  const zero8 = new Uint8Array(8);
  assert.equal(evaluateTdxModule(info(), svn(6, 1, 3), zero48, zero8).level?.tcbStatus, "UpToDate");
  assert.equal(evaluateTdxModule(info(), svn(3, 1, 3), zero48, zero8).level?.tcbStatus, "OutOfDate");
  assert.match(evaluateTdxModule(info(), svn(1, 1, 3), zero48, zero8).mismatch!, /below every TDX_01 level/);
  assert.match(
    evaluateTdxModule(info(), svn(6, 2, 3), zero48, zero8).mismatch!,
    /no TDX module identity TDX_02/,
  );
  const signer = new Uint8Array(48);
  signer[0] = 1;
  assert.match(evaluateTdxModule(info(), svn(6, 1, 3), signer, zero8).mismatch!, /MRSIGNER_SEAM/);
  assert.match(
    evaluateTdxModule(info(), svn(6, 1, 3), zero48, Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1])).mismatch!,
    /SEAM_ATTRIBUTES/,
  );
  assert.deepEqual(evaluateTdxModule(info(), svn(6, 0, 3), zero48, zero8), {}, "major 0: no identity check");
});

test("QE identity: MRSIGNER, ISVPRODID, masked attributes and the ISVSVN level", () => {
  const id = parseEnclaveIdentity(col.qeIdentity!);
  const qe = {
    mrSigner: Buffer.from(id.mrsigner, "hex"),
    isvProdId: id.isvprodid,
    isvSvn: 6,
    miscSelectRaw: new Uint8Array(4),
    attributes: Buffer.from("1100000000000000e700000000000000", "hex"),
  };
  assert.deepEqual(evaluateQeIdentity(id, qe).mismatches, []);
  assert.equal(evaluateQeIdentity(id, qe).level?.tcbStatus, "UpToDate");
  assert.deepEqual(evaluateQeIdentity(id, { ...qe, isvProdId: 1 }).mismatches, ["isvprodid"]);
  assert.deepEqual(evaluateQeIdentity(id, { ...qe, mrSigner: new Uint8Array(32) }).mismatches, ["mrsigner"]);
  // A debug QE (ATTRIBUTES.DEBUG, bit 1) is outside the mask's expected value.
  assert.deepEqual(
    evaluateQeIdentity(id, { ...qe, attributes: Buffer.from("1300000000000000e700000000000000", "hex") })
      .mismatches,
    ["attributes"],
  );
  assert.equal(evaluateQeIdentity(id, { ...qe, isvSvn: 1 }).level, undefined);
});

test("F23 component arrays other than 16 entries and malformed documents are typed errors", () => {
  const doc = JSON.parse(col.tcbInfo!) as { tcbLevels: { tcb: { sgxtcbcomponents: unknown[] } }[] };
  doc.tcbLevels[0]!.tcb.sgxtcbcomponents.pop();
  assert.throws(
    () => parseTcbInfo(JSON.stringify(doc)),
    (e: unknown) => e instanceof DcapCollateralError && /16 entries/.test(e.message),
  );
  assert.throws(() => parseTcbInfo("{"), DcapCollateralError);
  assert.throws(() => parseTcbInfo("[]"), DcapCollateralError);
  assert.throws(() => parseEnclaveIdentity('{"id":"QE"}'), DcapCollateralError);
});

test("SGX tcbInfo v2 (sgxtcbcompNNsvn) is understood", () => {
  const v2 = JSON.stringify({
    version: 2,
    issueDate: "2020-01-01T00:00:00Z",
    nextUpdate: "2020-02-01T00:00:00Z",
    fmspc: "00906ED50000",
    pceId: "0000",
    tcbType: 0,
    tcbEvaluationDataNumber: 5,
    tcbLevels: [
      {
        tcb: Object.fromEntries([
          ...Array.from({ length: 16 }, (_, i) => [`sgxtcbcomp${String(i + 1).padStart(2, "0")}svn`, 2]),
          ["pcesvn", 10],
        ]),
        tcbDate: "2019-11-13T00:00:00Z",
        tcbStatus: "SWHardeningNeeded",
      },
    ],
  });
  const doc = parseTcbInfo(v2);
  assert.equal(doc.id, "SGX");
  assert.equal(
    matchTcbLevel(doc, { cpuSvnComponents: new Array<number>(16).fill(2), pceSvn: 10 }).level?.tcbStatus,
    "SWHardeningNeeded",
  );
  assert.deepEqual(matchTcbLevel(doc, { cpuSvnComponents: new Array<number>(16).fill(1), pceSvn: 10 }), {});
});

test("checkForRelaunch follows Intel's table", () => {
  assert.equal(checkForRelaunch("OutOfDate", "UpToDate"), "TDRelaunchAdvised");
  assert.equal(checkForRelaunch("OutOfDate", "SWHardeningNeeded"), "TDRelaunchAdvised");
  assert.equal(checkForRelaunch("OutOfDate", "ConfigurationNeeded"), "TDRelaunchAdvisedConfigurationNeeded");
  assert.equal(
    checkForRelaunch("OutOfDate", "ConfigurationAndSWHardeningNeeded"),
    "TDRelaunchAdvisedConfigurationNeeded",
  );
  assert.equal(
    checkForRelaunch("OutOfDateConfigurationNeeded", "UpToDate"),
    "TDRelaunchAdvisedConfigurationNeeded",
  );
  for (const current of ["OutOfDate", "OutOfDateConfigurationNeeded", "Revoked"] as const) {
    assert.equal(checkForRelaunch("OutOfDate", current), "OutOfDate");
  }
  for (const launch of ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "Revoked"] as const) {
    assert.equal(checkForRelaunch(launch, "UpToDate"), launch);
  }
});
