/**
 * The parsed-certificate caches may make repeated verification cheap but must never hand back a certificate for
 * bytes that are not exactly its DER: a caller's buffer reused or mutated in place is parsed afresh.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { parseAmdCertificate } from "./cert.ts";
import { verifyIssued } from "./links.ts";
import { genuineAmdCas } from "./roots.ts";

const vcekDer = readFileSync(vectorPath("snp", "gsg_milan_v2", "vcek.der"));
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

test("the same DER array parses to the same certificate object (cache hit)", () => {
  const input = new Uint8Array(vcekDer);
  const first = parseAmdCertificate(input);
  assert.equal(parseAmdCertificate(input), first);
  assert.equal(
    parseAmdCertificate(new Uint8Array(vcekDer)),
    first,
    "equal bytes in another array hit by hash",
  );
});

test("a DER array mutated in place never returns the certificate parsed from its old bytes", () => {
  const input = new Uint8Array(vcekDer);
  const original = parseAmdCertificate(input);
  // The last byte lies in the signature BIT STRING: the mutated DER still parses, as a different certificate.
  input[input.length - 1] ^= 0x01;
  const mutated = parseAmdCertificate(input);
  assert.notEqual(mutated, original);
  assert.equal(mutated.sha256, sha256(input));
  assert.notEqual(mutated.sha256, original.sha256);
  const [ask, ark] = [genuineAmdCas()[0]!.ask, genuineAmdCas()[0]!.ark];
  assert.ok(verifyIssued(ask, ark));
  assert.equal(verifyIssued(original, ask), true, "the genuine VCEK is signed by the Milan ASK");
  assert.equal(verifyIssued(mutated, ask), false, "its mutated copy is not, cache or no cache");
  input[input.length - 1] ^= 0x01;
  assert.equal(parseAmdCertificate(input), original, "restored bytes find the original again");
});

test("a DER array overwritten with garbage throws rather than returning the cached certificate", () => {
  const input = new Uint8Array(vcekDer);
  parseAmdCertificate(input);
  input.fill(0x30, 0, 8);
  assert.throws(() => parseAmdCertificate(input), { code: "ERR_AMD_CERTIFICATE" });
});
