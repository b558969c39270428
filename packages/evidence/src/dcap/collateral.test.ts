import { test } from "node:test";
import assert from "node:assert/strict";
import {
  collateralFromPcs,
  collateralFromQvlJson,
  crlBytes,
  decodeIssuerChainHeader,
  missingCollateral,
  rawJsonMember,
  splitPcsSignedBody,
} from "./collateral.ts";
import { DcapCollateralError } from "./errors.ts";
import { readVectorText } from "./test-support.ts";

test("rawJsonMember returns the exact source text of a member, strings and escapes respected", () => {
  const text = '{ "a" : "x}\\"y" ,"tcbInfo":{"k":[1,{"s":"]}"}],"n":2} , "signature":"ab"}';
  assert.equal(rawJsonMember(text, "tcbInfo"), '{"k":[1,{"s":"]}"}],"n":2}');
  assert.equal(rawJsonMember(text, "signature"), '"ab"');
  assert.equal(rawJsonMember(text, "a"), '"x}\\"y"');
  assert.equal(rawJsonMember(text, "missing"), undefined);
  assert.equal(rawJsonMember("[1]", "a"), undefined);
  assert.throws(() => rawJsonMember('{"a":"unterminated', "a"), DcapCollateralError);
});

test("a PCS tcbInfo response keeps Intel's exact signed bytes", () => {
  const body = readVectorText("tdx/gotdx/sample_tcbInfo_response");
  const { text, signature } = splitPcsSignedBody(body, "tcbInfo");
  assert.ok(body.includes(text));
  assert.equal(text.startsWith('{"id":"TDX"'), true);
  assert.match(signature, /^[0-9a-f]{128}$/);
  assert.throws(() => splitPcsSignedBody('{"other":1}', "tcbInfo"), DcapCollateralError);
});

test("QuoteCollateralV3 JSON loads every piece; a wrong shape is a typed error", () => {
  const c = collateralFromQvlJson(readVectorText("tdx/dcapqvl/tdx_quote_collateral.json"));
  assert.deepEqual(missingCollateral(c), []);
  assert.equal(c.rootCaCrl![0], 0x30);
  assert.equal(c.pckCrl![0], 0x30);
  assert.deepEqual(missingCollateral(undefined), ["tcbInfo", "qeIdentity", "rootCaCrl", "pckCrl"]);
  assert.throws(() => collateralFromQvlJson("{"), DcapCollateralError);
  assert.throws(() => collateralFromQvlJson("[]"), DcapCollateralError);
  assert.throws(() => collateralFromQvlJson('{"tcb_info":5}'), DcapCollateralError);
  assert.throws(() => collateralFromQvlJson('{"pck_crl":"not a crl"}'), DcapCollateralError);
});

test("CRLs are accepted as DER, PEM or hex; issuer chains as URL-encoded or plain PEM", () => {
  const der = collateralFromQvlJson(readVectorText("tdx/dcapqvl/tdx_quote_collateral.json")).rootCaCrl!;
  const pem = `-----BEGIN X509 CRL-----\n${Buffer.from(der).toString("base64")}\n-----END X509 CRL-----\n`;
  assert.deepEqual(crlBytes(pem, "x"), der);
  assert.deepEqual(crlBytes(Buffer.from(der).toString("hex"), "x"), der);
  assert.deepEqual(crlBytes(der, "x"), der);
  assert.deepEqual(crlBytes(new TextEncoder().encode(pem), "x"), der);
  const chain = "-----BEGIN CERTIFICATE-----\nAB+/=\n-----END CERTIFICATE-----\n";
  assert.equal(decodeIssuerChainHeader(encodeURIComponent(chain)), chain);
  assert.equal(decodeIssuerChainHeader(chain), chain);
  const c = collateralFromPcs({ rootCaCrl: pem, pckCrlIssuerChain: encodeURIComponent(chain) });
  assert.deepEqual(c.rootCaCrl, der);
  assert.equal(c.pckCrlIssuerChain, chain);
});
