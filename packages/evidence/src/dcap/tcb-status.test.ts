/**
 * `evaluatePlatformFor` remembers evaluations (the last one in front, then a Map by the exact TD
 * fields): a remembered answer must only ever be returned for equal inputs, including after the
 * caller changes the arrays it passed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { clearDcapVerificationCache } from "./cache.ts";
import { leafExtensions, splitPemChainCached } from "./pck.ts";
import { parseDcapQuote, type TdReport } from "./quote.ts";
import { parseTcbInfo } from "./tcb-info.ts";
import { evaluatePlatform, evaluatePlatformFor } from "./tcb-status.ts";
import { loadCollateral, loadQuote } from "./test-support.ts";

const col = loadCollateral("tdx/dcapqvl/tdx_quote_collateral.json");
const info = parseTcbInfo(col.tcbInfo!);
const quote = parseDcapQuote(loadQuote("tdx/dcapqvl/tdx_quote.bin"));
const ext = leafExtensions(splitPemChainCached(quote.certification.pckCertData));
const body = quote.body as TdReport;

function fields(teeTcbSvn: Uint8Array) {
  return { teeTcbSvn, mrSignerSeam: body.mrSignerSeam, seamAttributes: body.seamAttributes };
}

function direct(teeTcbSvn: Uint8Array) {
  const td = fields(new Uint8Array(teeTcbSvn));
  return evaluatePlatform(info, { cpuSvnComponents: ext.cpuSvnComponents, pceSvn: ext.pceSvn, td });
}

test("remembered evaluations equal fresh ones and follow the TD fields' bytes", () => {
  clearDcapVerificationCache();
  const svn = new Uint8Array(body.teeTcbSvn);
  const genuine = evaluatePlatformFor(info, ext, fields(svn));
  assert.deepEqual(genuine, direct(svn));
  assert.equal(genuine.platformStatus, "UpToDate");
  assert.equal(
    evaluatePlatformFor(info, ext, fields(new Uint8Array(svn))),
    genuine,
    "equal bytes, same answer",
  );

  // The caller changes its array in place: the answer must follow (the memo kept a private copy).
  svn.fill(0);
  const zero = evaluatePlatformFor(info, ext, fields(svn));
  assert.deepEqual(zero, direct(svn));
  assert.notDeepEqual(zero, genuine);
  assert.equal(evaluatePlatformFor(info, ext, fields(new Uint8Array(body.teeTcbSvn))), genuine);

  // Another SEAM signer is a module mismatch, never the remembered module verdict.
  const otherSigner = new Uint8Array(body.mrSignerSeam);
  otherSigner[0]! ^= 1;
  const mismatch = evaluatePlatformFor(info, ext, { ...fields(body.teeTcbSvn), mrSignerSeam: otherSigner });
  assert.equal(mismatch.unsupported?.check, "tdx_module.identity");
  // SGX (no TD fields) under the same tcbInfo and extensions is evaluated on its own.
  const sgx = evaluatePlatformFor(info, ext);
  assert.deepEqual(
    sgx,
    evaluatePlatform(info, { cpuSvnComponents: ext.cpuSvnComponents, pceSvn: ext.pceSvn }),
  );
});
