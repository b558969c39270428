import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { parseDcapQuote, type EnclaveReport, type TdReport } from "./quote.ts";
import { parsePckExtensions, splitPemChain } from "./pck.ts";
import { DCAP_EXPECTED_FILES, loadExpected, loadQuote } from "./test-support.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

for (const file of DCAP_EXPECTED_FILES) {
  test(`decodes ${file} field by field`, () => {
    const e = loadExpected(file);
    const bytes = loadQuote(e.quote_file);
    assert.equal(bytes.length, e.quote_len);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), e.sha256_quote_bytes);
    const q = parseDcapQuote(bytes);
    assert.equal(q.header.version, e.header["version"]);
    assert.equal(q.header.attKeyType, e.header["att_key_type"]);
    assert.equal(q.header.teeType, e.header["tee_type"]);
    assert.equal(q.header.qeSvn, e.header["qe_svn"]);
    assert.equal(q.header.pceSvn, e.header["pce_svn"]);
    assert.equal(hex(q.header.qeVendorId), e.header["qe_vendor_id"]);
    assert.equal(hex(q.header.userData), e.header["user_data"]);
    assert.equal(q.bodyType ?? null, e.body_type);
    assert.equal(q.body.kind, e.report["type"]);
    if (q.body.kind === "sgx") {
      const b = q.body as EnclaveReport;
      assert.equal(hex(b.cpuSvn), e.report["cpu_svn"]);
      assert.equal(b.miscSelect, e.report["misc_select"]);
      assert.equal(hex(b.attributes), e.report["attributes"]);
      assert.equal(hex(b.mrEnclave), e.report["mr_enclave"]);
      assert.equal(hex(b.mrSigner), e.report["mr_signer"]);
      assert.equal(b.isvProdId, e.report["isv_prod_id"]);
      assert.equal(b.isvSvn, e.report["isv_svn"]);
      assert.equal(hex(b.reportData), e.report["report_data"]);
    } else {
      const b = q.body as TdReport;
      const fields: [string, Uint8Array | undefined][] = [
        ["tee_tcb_svn", b.teeTcbSvn],
        ["mr_seam", b.mrSeam],
        ["mr_signer_seam", b.mrSignerSeam],
        ["seam_attributes", b.seamAttributes],
        ["td_attributes", b.tdAttributes],
        ["xfam", b.xfam],
        ["mr_td", b.mrTd],
        ["mr_config_id", b.mrConfigId],
        ["mr_owner", b.mrOwner],
        ["mr_owner_config", b.mrOwnerConfig],
        ["rtmr0", b.rtmr[0]],
        ["rtmr1", b.rtmr[1]],
        ["rtmr2", b.rtmr[2]],
        ["rtmr3", b.rtmr[3]],
        ["report_data", b.reportData],
        ["tee_tcb_svn2", b.teeTcbSvn2],
        ["mr_service_td", b.mrServiceTd],
      ];
      for (const [name, value] of fields) {
        if (e.report[name] === undefined) assert.equal(value, undefined, name);
        else assert.equal(hex(value!), e.report[name], name);
      }
    }
    assert.equal(q.outerCertDataType, e.outer_cert_data_type);
    assert.equal(q.certification.pckCertDataType, e.inner_cert_data_type);
    assert.equal(q.trailing.length, e.trailing_bytes_after_quote);
    assert.equal(q.certification.qeAuthData.length, e.qe_auth_data_len);
    assert.equal(q.signedRegion.length, e.signed_region_len);

    const qe = q.certification.qeReport;
    assert.equal(hex(qe.mrEnclave), e.qe_report.mr_enclave);
    assert.equal(hex(qe.mrSigner), e.qe_report.mr_signer);
    assert.equal(qe.isvProdId, e.qe_report.isv_prod_id);
    assert.equal(qe.isvSvn, e.qe_report.isv_svn);
    assert.equal(hex(qe.attributes), e.qe_report.attributes);
    assert.equal(qe.miscSelect, e.qe_report.misc_select);

    const ders = splitPemChain(q.certification.pckCertData);
    assert.equal(ders.length, 3);
    const leaf = new X509Certificate(ders[0]!);
    assert.equal(
      leaf.issuer.split("\n").find((l) => l.startsWith("CN=")),
      e.pck.issuer,
    );
    assert.equal(leaf.serialNumber.toUpperCase(), e.pck.serial.toUpperCase());
    assert.equal(leaf.validFromDate.getTime(), Date.parse(e.pck.validity[0]));
    const ext = parsePckExtensions(ders[0]!);
    assert.equal(hex(ext.fmspc), e.pck.fmspc);
    assert.equal(hex(ext.pceId), e.pck.pceid);
    assert.equal(ext.sgxType, e.pck.sgxType);
    assert.equal(ext.pceSvn, e.pck.pcesvn);
    assert.equal(hex(ext.cpuSvn), e.pck.cpusvn);
    assert.equal(hex(ext.ppid), e.pck.ppid);
    assert.deepEqual(ext.cpuSvnComponents, [...ext.cpuSvn]);
  });
}

test("go-tdx-guest known answer for SPR_E4 PCK extensions (research §4.4)", () => {
  const q = parseDcapQuote(loadQuote("tdx/gotdx/tdx_prod_quote_SPR_E4.dat"));
  const ext = parsePckExtensions(splitPemChain(q.certification.pckCertData)[0]!);
  assert.equal(hex(ext.ppid), "089ddfdb9c0359c82a3bc7719239574e");
  assert.equal(hex(ext.fmspc), "50806f000000");
  assert.equal(hex(ext.pceId), "0000");
  assert.equal(ext.pceSvn, 11);
  assert.equal(hex(ext.cpuSvn), "03030202020100020000000000000000");
});
