/** Trustee's TPM evidence vector (trustee/tpm/tpm_evidence.json), its claims, and the TPM parsers' typed errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { parseTrusteeTpmEvidence, verifyTrusteeTpmEvidence } from "./trustee-evidence.ts";
import { parseTpmsAttest } from "./attest.ts";
import { parseTpmtSignature } from "./signature.ts";
import { loadAkPublicKey, parseTpmtPublic } from "./public-key.ts";
import { TpmFormatError } from "./errors.ts";
import { TPM_ALG } from "./constants.ts";

const json = JSON.parse(readFileSync(vectorPath("trustee", "tpm", "tpm_evidence.json"), "utf8")) as {
  ak_public: string;
  tpm_quote: { message: string; signature: string; pcrs: string[] };
};
/** The quote's extraData: a 48-byte nonce zero-padded to 64 by Trustee's TPM attester. */
const NONCE48 =
  "a04182b506878d4f29b91ee606a71a0d3361ccf1b22db20c98adcaa537bea393ef0e41a18b3569ab678f1497fbc5c120";

test("Trustee tpm_evidence.json decodes: RSASSA-SHA256, SHA-256 bank PCR0-23, 64-byte extraData", () => {
  const ev = parseTrusteeTpmEvidence(json);
  const attest = parseTpmsAttest(ev.message);
  assert.equal(attest.magic, 0xff544347);
  assert.equal(attest.type, 0x8018);
  assert.equal(Buffer.from(attest.extraData).toString("hex"), NONCE48 + "00".repeat(16));
  assert.equal(attest.clockInfo.resetCount, 2);
  assert.equal(attest.clockInfo.safe, true);
  assert.deepEqual(
    attest.quote!.pcrSelect[0]!.pcrs,
    Array.from({ length: 24 }, (_, i) => i),
  );
  assert.equal(attest.quote!.pcrSelect[0]!.hashAlg, TPM_ALG.SHA256);
  const sig = parseTpmtSignature(ev.signature);
  assert.equal(sig.sigAlg, TPM_ALG.RSASSA);
  assert.equal(sig.hashAlg, TPM_ALG.SHA256);
});

test("Trustee tpm_evidence.json verifies; claims are Trustee's", () => {
  const result = verifyTrusteeTpmEvidence(parseTrusteeTpmEvidence(json), {
    expectedReportData: Buffer.from(NONCE48, "hex"),
  });
  assert.deepEqual(result.failures, []);
  assert.equal(result.tee, "tpm");
  assert.equal(result.claims["ak_public"], json.ak_public);
  assert.equal(result.claims["init_data"], json.tpm_quote.pcrs[8]);
  assert.equal(result.claims["pcr17"], "f".repeat(64));
  assert.equal((result.claims["report_data"] as string).length, 128);
});

test("TPM evidence: wrong nonce, tampered PCR, tampered message, untrusted AK are named failures", () => {
  const ev = () => parseTrusteeTpmEvidence(json);
  const failed = (e: ReturnType<typeof ev>, opts = {}) =>
    verifyTrusteeTpmEvidence(e, opts).failures.map((f) => f.check);
  assert.deepEqual(failed(ev(), { expectedReportData: Buffer.from("other") }), ["tpm.nonce"]);
  const pcr = ev();
  pcr.pcrs[3]![0]! ^= 1;
  assert.deepEqual(failed(pcr), ["tpm.pcr_digest"]);
  const msg = ev();
  msg.message[20]! ^= 4;
  assert.deepEqual(failed(msg), ["tpm.signature"]);
  const otherAk = loadAkPublicKey(
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9q9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==",
  );
  assert.deepEqual(failed(ev(), { certificates: [otherAk.export({ format: "der", type: "spki" })] }), [
    "tpm.ak.trusted",
  ]);
  const trusted = Buffer.from(json.ak_public, "base64");
  assert.deepEqual(failed(ev(), { certificates: [trusted] }), []);
});

test("TPM structures: truncation, absurd sizes, unknown algorithms and trailing bytes are TpmFormatError", () => {
  const message = parseTrusteeTpmEvidence(json).message;
  for (let n = 0; n < message.length; n += 5) {
    assert.throws(() => parseTpmsAttest(message.subarray(0, n)), TpmFormatError, `truncated to ${n}`);
  }
  assert.throws(() => parseTpmsAttest(Uint8Array.from([...message, 0])), /trailing/);
  const hugeSigner = Uint8Array.from(message);
  hugeSigner[6] = 0xff; // qualifiedSigner.size high byte
  assert.throws(() => parseTpmsAttest(hugeSigner), /exceeds the maximum/);
  assert.throws(() => parseTpmtSignature(Uint8Array.of(0x00, 0x1c, 0, 0)), /unsupported signature algorithm/);
  assert.throws(() => parseTpmtPublic(Uint8Array.of(0x00, 0x25, 0, 0x0b)), TpmFormatError);
  assert.throws(() => loadAkPublicKey("not a key"), TpmFormatError);
  assert.throws(
    () => parseTrusteeTpmEvidence({ ak_public: "x", tpm_quote: { message: "%%", signature: "", pcrs: [] } }),
    TpmFormatError,
  );
  assert.throws(() => parseTrusteeTpmEvidence({ tpm_quote: {} }), /missing "ak_public"/);
});

test("Trustee az-snp-vtpm tpm-quote.msg: a non-contiguous selection (PCR 0-7 and 14) and the nonce decode", () => {
  const attest = parseTpmsAttest(
    new Uint8Array(readFileSync(vectorPath("trustee", "az-snp-vtpm", "tpm-quote.msg"))),
  );
  assert.equal(Buffer.from(attest.extraData).toString(), "challenge");
  assert.equal(attest.quote!.pcrSelect.length, 1);
  assert.equal(Buffer.from(attest.quote!.pcrSelect[0]!.bitmap).toString("hex"), "ff4000");
  assert.deepEqual(attest.quote!.pcrSelect[0]!.pcrs, [0, 1, 2, 3, 4, 5, 6, 7, 14]);
  assert.equal(attest.quote!.pcrDigest.length, 32);
});
