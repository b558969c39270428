/**
 * The TPM quote verifier against quotes made at test time by a real software TPM (swtpm + tpm2-tools):
 * RSASSA, RSAPSS and ECDSA attestation keys, two PCR banks, the AK in every supported form, and tampering.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, createPublicKey } from "node:crypto";
import { Swtpm, swtpmMissing, type MadeQuote } from "./swtpm-fixture.ts";
import { parseTpmsAttest } from "./attest.ts";
import { parseTpmtSignature } from "./signature.ts";
import { parseTpm2bPublic } from "./public-key.ts";
import { verifyTpmQuote } from "./verify-quote.ts";
import { TPM_ALG, TPM_HASHES } from "./constants.ts";
import type { PcrValues } from "./pcr.ts";

const missing = swtpmMissing();
if (missing !== undefined) console.warn(`\n!!! TPM tests ${missing}\n`);

/** Splits tpm2_quote's concatenated PCR values by the quote's own selection (banks in order, PCRs ascending). */
function pcrValuesOf(made: MadeQuote): PcrValues {
  const attest = parseTpmsAttest(made.message);
  const banks = new Map<number, Map<number, Uint8Array>>();
  let offset = 0;
  for (const bank of attest.quote!.pcrSelect) {
    const size = TPM_HASHES.get(bank.hashAlg)!.size;
    const values = banks.get(bank.hashAlg) ?? new Map<number, Uint8Array>();
    for (const pcr of bank.pcrs) {
      values.set(pcr, made.pcrValues.subarray(offset, offset + size));
      offset += size;
    }
    banks.set(bank.hashAlg, values);
  }
  assert.equal(offset, made.pcrValues.length, "tpm2_quote wrote exactly the selected PCR values");
  return banks;
}

const NONCE = "c0c0a0a0b1b2b3b4b5b6b7b8b9babbbcbdbebf000102030405060708090a0b0c";
const SELECTION = "sha1:16+sha256:0,1,16,23";

describe("TPM 2.0 quotes from swtpm", { skip: missing }, () => {
  let tpm: Swtpm;
  const quotes = new Map<string, MadeQuote>();
  const extended16 = createHash("sha256").update("cocoon-pcr16").digest("hex");
  const extended16sha1 = createHash("sha1").update("cocoon-pcr16").digest("hex");

  before(async () => {
    tpm = await Swtpm.start();
    tpm.extend(16, extended16, extended16sha1);
    for (const kind of ["rsassa", "rsapss", "ecdsa", "unrestricted"] as const) {
      quotes.set(kind, tpm.quote(kind, SELECTION, NONCE));
    }
  });

  after(() => tpm?.stop());

  test("the quote decodes: magic, type, nonce, two banks in selection order", () => {
    const attest = parseTpmsAttest(quotes.get("rsassa")!.message);
    assert.equal(attest.magic, 0xff544347);
    assert.equal(attest.type, 0x8018);
    assert.equal(Buffer.from(attest.extraData).toString("hex"), NONCE);
    assert.deepEqual(
      attest.quote!.pcrSelect.map((s) => [s.hashAlg, s.pcrs]),
      [
        [TPM_ALG.SHA1, [16]],
        [TPM_ALG.SHA256, [0, 1, 16, 23]],
      ],
    );
    assert.equal(attest.quote!.pcrDigest.length, 32);
    // PCR16 after one extend from zero: H(0^n || digest), in both banks.
    const values = pcrValuesOf(quotes.get("rsassa")!);
    const want256 = createHash("sha256")
      .update(Buffer.alloc(32))
      .update(Buffer.from(extended16, "hex"))
      .digest("hex");
    assert.equal(Buffer.from(values.get(TPM_ALG.SHA256)!.get(16)!).toString("hex"), want256);
    const want1 = createHash("sha1")
      .update(Buffer.alloc(20))
      .update(Buffer.from(extended16sha1, "hex"))
      .digest("hex");
    assert.equal(Buffer.from(values.get(TPM_ALG.SHA1)!.get(16)!).toString("hex"), want1);
  });

  for (const kind of ["rsassa", "rsapss", "ecdsa"] as const) {
    test(`${kind} AK: the quote verifies with the AK's TPM2B_PUBLIC, PEM and JWK`, () => {
      const made = quotes.get(kind)!;
      const sig = parseTpmtSignature(made.signature);
      assert.equal(
        sig.sigAlg,
        { rsassa: TPM_ALG.RSASSA, rsapss: TPM_ALG.RSAPSS, ecdsa: TPM_ALG.ECDSA }[kind],
      );
      const pub = parseTpm2bPublic(made.akTpm2bPublic);
      const pem = pub.key.export({ format: "pem", type: "spki" }) as string;
      const jwk = pub.key.export({ format: "jwk" });
      for (const akPublicKey of [made.akTpm2bPublic, pem, jwk, createPublicKey(pem)]) {
        const result = verifyTpmQuote(
          { message: made.message, signature: made.signature, pcrs: pcrValuesOf(made) },
          { akPublicKey, expectedNonce: Buffer.from(NONCE, "hex") },
        );
        assert.deepEqual(result.failures, []);
        assert.equal(result.valid, true);
        assert.ok(result.checks.some((c) => c.check === "tpm.signature" && c.ok));
        assert.equal(result.claims["report_data"], NONCE);
        assert.equal(
          result.claims["sha256_pcr16"],
          Buffer.from(pcrValuesOf(made).get(TPM_ALG.SHA256)!.get(16)!).toString("hex"),
        );
      }
    });
  }

  test("tamper: every single bit flip in the signed TPMS_ATTEST breaks the signature", () => {
    const made = quotes.get("rsassa")!;
    const pcrs = pcrValuesOf(made);
    for (let bit = 0; bit < made.message.length * 8; bit += 7) {
      const message = Uint8Array.from(made.message);
      message[bit >> 3]! ^= 1 << (bit & 7);
      const result = verifyTpmQuote(
        { message, signature: made.signature, pcrs },
        { akPublicKey: made.akTpm2bPublic, expectedNonce: Buffer.from(NONCE, "hex") },
      );
      assert.equal(result.valid, false, `bit ${bit} flipped`);
      const failed = result.failures.map((f) => f.check);
      assert.ok(
        failed.includes("tpm.signature") || failed.includes("tpm.quote.format"),
        `bit ${bit}: ${failed}`,
      );
    }
  });

  test("tamper: a flipped bit in the ECDSA signature is rejected", () => {
    const made = quotes.get("ecdsa")!;
    const signature = Uint8Array.from(made.signature);
    signature[signature.length - 1]! ^= 0x01;
    const result = verifyTpmQuote(
      { message: made.message, signature, pcrs: pcrValuesOf(made) },
      { akPublicKey: made.akTpm2bPublic },
    );
    assert.deepEqual(
      result.failures.map((f) => f.check),
      ["tpm.signature"],
    );
  });

  test("tamper: a wrong nonce fails tpm.nonce only", () => {
    const made = quotes.get("rsassa")!;
    const wrong = Buffer.from(NONCE, "hex");
    wrong[0]! ^= 0xff;
    const result = verifyTpmQuote(
      { message: made.message, signature: made.signature, pcrs: pcrValuesOf(made) },
      { akPublicKey: made.akTpm2bPublic, expectedNonce: wrong },
    );
    assert.deepEqual(
      result.failures.map((f) => f.check),
      ["tpm.nonce"],
    );
    assert.equal(result.failures[0]!.actual, NONCE);
  });

  test("tamper: wrong PCR values fail tpm.pcr_digest; missing or unquoted PCRs are named", () => {
    const made = quotes.get("rsapss")!;
    const pcrs = pcrValuesOf(made);
    const changed = new Map([...pcrs].map(([alg, bank]) => [alg, new Map(bank)]));
    const pcr0 = Uint8Array.from(changed.get(TPM_ALG.SHA256)!.get(0)!);
    pcr0[0]! ^= 1;
    changed.get(TPM_ALG.SHA256)!.set(0, pcr0);
    const wrong = verifyTpmQuote(
      { message: made.message, signature: made.signature, pcrs: changed },
      { akPublicKey: made.akTpm2bPublic },
    );
    assert.deepEqual(
      wrong.failures.map((f) => f.check),
      ["tpm.pcr_digest"],
    );

    const lacking = new Map([...pcrs].map(([alg, bank]) => [alg, new Map(bank)]));
    lacking.get(TPM_ALG.SHA1)!.delete(16);
    const missingResult = verifyTpmQuote(
      { message: made.message, signature: made.signature, pcrs: lacking },
      { akPublicKey: made.akTpm2bPublic },
    );
    assert.match(missingResult.failures[0]!.actual, /no value for sha1 PCR 16/);

    const extra = new Map([...pcrs].map(([alg, bank]) => [alg, new Map(bank)]));
    extra.get(TPM_ALG.SHA256)!.set(5, new Uint8Array(32));
    const extraResult = verifyTpmQuote(
      { message: made.message, signature: made.signature, pcrs: extra },
      { akPublicKey: made.akTpm2bPublic },
    );
    assert.deepEqual(
      extraResult.failures.map((f) => f.check),
      ["tpm.pcrs.quoted"],
    );
  });

  test("a quote by an unrestricted signing key is rejected when the key's TPM attributes are known", () => {
    const made = quotes.get("unrestricted")!;
    const quote = { message: made.message, signature: made.signature, pcrs: pcrValuesOf(made) };
    const result = verifyTpmQuote(quote, { akPublicKey: made.akTpm2bPublic });
    assert.deepEqual(
      result.failures.map((f) => f.check),
      ["tpm.ak.attributes"],
    );
    const restricted = verifyTpmQuote(
      {
        message: quotes.get("rsassa")!.message,
        signature: quotes.get("rsassa")!.signature,
        pcrs: quote.pcrs,
      },
      { akPublicKey: quotes.get("rsassa")!.akTpm2bPublic },
    );
    assert.ok(restricted.checks.some((c) => c.check === "tpm.ak.attributes" && c.ok));
  });

  test("a quote checked with another AK fails the signature", () => {
    const made = quotes.get("rsassa")!;
    const result = verifyTpmQuote(
      { message: made.message, signature: made.signature, pcrs: pcrValuesOf(made) },
      { akPublicKey: quotes.get("rsapss")!.akTpm2bPublic },
    );
    assert.deepEqual(
      result.failures.map((f) => f.check),
      ["tpm.signature"],
    );
  });
});
