import { test } from "node:test";
import assert from "node:assert/strict";
import { cryptoBuiltins } from "./crypto.ts";
import { x509Builtins } from "./x509.ts";
import { BuiltinError } from "../errors.ts";
import { RObject, type Value } from "../value/index.ts";
import { runLiteralCases } from "./testing/literal-cases.ts";
import { testContext } from "./testing/context.ts";

const all = [...cryptoBuiltins, ...x509Builtins];
const call = (name: string, ...args: Value[]): Value | undefined =>
  all.find((b) => b.name === name)!.fn(args, testContext());

test("hashes and HMACs match known digests", () => {
  assert.equal(call("crypto.md5", "lorem ipsum"), "80a751fde577028640c419000e33eba6");
  assert.equal(call("crypto.sha1", "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(
    call("crypto.sha256", "abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  // RFC 4231 test case 2.
  assert.equal(
    call("crypto.hmac.sha256", "what do ya want for nothing?", "Jefe"),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
  assert.equal(call("crypto.hmac.equal", "abc", "abc"), true);
  assert.equal(call("crypto.hmac.equal", "abc", "abd"), false);
  assert.equal(call("crypto.hmac.equal", "abc", "ab"), false);
  assert.throws(
    () => call("crypto.sha256", 1),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.message === "eval_type_error: crypto.sha256: operand 1 must be string but got number",
  );
});

test("crypto conformance cases that are single literal calls", () => {
  const folders = [
    "cryptohmacequal",
    "cryptohmacmd5",
    "cryptohmacsha1",
    "cryptohmacsha256",
    "cryptohmacsha512",
    "cryptomd5",
    "cryptosha1",
    "cryptosha256",
    "cryptox509parsersaprivatekey",
    "cryptoparsersaprivatekeys",
  ];
  const r = runLiteralCases(folders, all, () => testContext());
  assert.deepEqual(r.failures, []);
  assert.ok(r.pass >= 1, `only ${r.pass} cases ran`);
});

test("crypto.x509.parse_certificates: DER/PEM, base64 or text, Go's JSON shape and errors", () => {
  const pem = CERT_PEM;
  const [cert] = call("crypto.x509.parse_certificates", pem) as RObject[];
  assert.equal((cert!.get("Subject") as RObject).get("CommonName"), "cocoon.test");
  assert.deepEqual(cert!.get("DNSNames"), ["cocoon.test", "*.cocoon.test"]);
  assert.deepEqual(cert!.get("URIStrings"), ["spiffe://cocoon.test/workload"]);
  assert.deepEqual(cert!.get("IPAddresses"), ["10.0.0.1"]);
  assert.equal(cert!.get("Version"), 3);
  assert.equal(cert!.get("SignatureAlgorithm"), 10); // ECDSAWithSHA256
  assert.equal(cert!.get("PublicKeyAlgorithm"), 3); // ECDSA
  assert.equal(cert!.get("IsCA"), true);
  assert.equal(cert!.get("NotBefore"), "2026-11-22T07:17:13Z");
  const b64 = Buffer.from(pem).toString("base64");
  assert.equal((call("crypto.x509.parse_certificates", b64) as Value[]).length, 1);
  assert.throws(
    () => call("crypto.x509.parse_certificates", "YmFkc3RyaW5n"),
    (e: unknown) => e instanceof BuiltinError && e.message.includes("x509: malformed certificate"),
  );
  assert.throws(
    () => call("crypto.x509.parse_certificates", "not base64!"),
    (e: unknown) => e instanceof BuiltinError && e.message.includes("illegal base64 data at input byte 3"),
  );
});

test("crypto.parse_private_keys handles PKCS #1, PKCS #8 and SEC 1 blocks", () => {
  assert.equal(call("crypto.parse_private_keys", ""), null);
  assert.deepEqual(call("crypto.parse_private_keys", "nope"), []);
  const keys = call("crypto.parse_private_keys", EC_KEY_PEM) as RObject[];
  assert.equal(keys.length, 1);
  assert.deepEqual([...keys[0]!.keys()], ["Curve", "X", "Y", "D"]);
});

// A self-signed P-256 CA certificate and its SEC 1 key, generated for these tests with openssl
// (CN=cocoon.test, SANs: two DNS names, a SPIFFE URI, an IP address).
const CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIB8TCCAZegAwIBAgIUf84tAhcsXLfSCZWuLsK9gpBk6f4wCgYIKoZIzj0EAwIw
JzEUMBIGA1UEAwwLY29jb29uLnRlc3QxDzANBgNVBAoMBkNvY29vbjAeFw0yNjEx
MjIwNzE3MTNaFw0zNjExMTkwNzE3MTNaMCcxFDASBgNVBAMMC2NvY29vbi50ZXN0
MQ8wDQYDVQQKDAZDb2Nvb24wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR68dRF
tnw50mLTsm2b/krZubsb6kU4L2xqpWlOnX5vsNS0igV/90ttB58xoOQ/KOzqaByP
ZJtpjyuPmH3AtQW7o4GgMIGdMB0GA1UdDgQWBBTjgcfA16jF/MPuj9es2RDNnn+O
rDAfBgNVHSMEGDAWgBTjgcfA16jF/MPuj9es2RDNnn+OrDBKBgNVHREEQzBBggtj
b2Nvb24udGVzdIINKi5jb2Nvb24udGVzdIYdc3BpZmZlOi8vY29jb29uLnRlc3Qv
d29ya2xvYWSHBAoAAAEwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
AiBu2TReYtQwxaH+Mr7uXEDk23p/rNnVtW7qV8OncOZVCQIhAN39De4Oesng2gEM
ViGxeN8XvHmS2rrYzRlcmc3qCTxT
-----END CERTIFICATE-----
`;

const EC_KEY_PEM = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICvxWMew19ZQU2jM15SSMo55TfYyZNYKA9ogdyEUoa2IoAoGCCqGSM49
AwEHoUQDQgAEevHURbZ8OdJi07Jtm/5K2bm7G+pFOC9saqVpTp1+b7DUtIoFf/dL
bQefMaDkPyjs6mgcj2SbaY8rj5h9wLUFuw==
-----END EC PRIVATE KEY-----
`;
