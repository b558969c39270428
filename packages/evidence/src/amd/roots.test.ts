/** The built-in AMD trust store: pins, load-time verification, and agreement with the gathered PEMs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { genuineAmdCas, GENUINE_AMD_FINGERPRINTS, loadPinned, AmdTrustStoreError } from "./roots.ts";
import { ARK_MILAN_PEM } from "./roots-pem.ts";
import { parseAmdCertificate, parseAmdCertificates } from "./cert.ts";
import { amdTrustStore, buildAmdChain, intermediateMatchesKind } from "./chain.ts";

test("the nine genuine CAs load, match their pins and verify (ARK self-signed, ASK/ASVK by ARK)", () => {
  const cas = genuineAmdCas();
  assert.deepEqual(
    cas.map((c) => c.product),
    ["Milan", "Genoa", "Turin"],
  );
  for (const c of cas) {
    const pins = GENUINE_AMD_FINGERPRINTS[c.product];
    assert.equal(c.ark.sha256, pins.ark);
    assert.equal(c.ask.sha256, pins.ask);
    assert.equal(c.asvk.sha256, pins.asvk);
    assert.equal(c.ark.subjectCn, `ARK-${c.product}`);
    assert.equal(c.ask.subjectCn, `SEV-${c.product}`);
    assert.equal(c.asvk.subjectCn, `SEV-VLEK-${c.product}`);
  }
});

test("built-ins are byte-identical to vectors/amd and to Trustee's bundled ASK/ARK/ASVK", () => {
  for (const c of genuineAmdCas()) {
    const lower = c.product.toLowerCase();
    const [ask, ark] = parseAmdCertificates(
      readFileSync(vectorPath("amd", lower, "kds_vcek_cert_chain.pem"), "utf8"),
    );
    const [asvk] = parseAmdCertificates(
      readFileSync(vectorPath("amd", lower, "kds_vlek_cert_chain.pem"), "utf8"),
    );
    assert.equal(ask!.sha256, c.ask.sha256);
    assert.equal(ark!.sha256, c.ark.sha256);
    assert.equal(asvk!.sha256, c.asvk.sha256);
    const trustee = parseAmdCertificates(
      readFileSync(vectorPath("trustee", "snp", `${lower}_ask_ark_asvk.pem`), "utf8"),
    );
    assert.deepEqual(
      trustee.map((t) => t.sha256),
      [c.ask.sha256, c.ark.sha256, c.asvk.sha256],
    );
  }
});

test("a built-in whose bytes do not match its pin is refused at load", () => {
  assert.throws(
    () => loadPinned(ARK_MILAN_PEM, GENUINE_AMD_FINGERPRINTS.Genoa.ark, "ARK-Milan"),
    AmdTrustStoreError,
  );
  assert.equal(
    loadPinned(ARK_MILAN_PEM, GENUINE_AMD_FINGERPRINTS.Milan.ark, "ARK-Milan").subjectCn,
    "ARK-Milan",
  );
});

test("the genuine Turin VCEK chains to ARK-Turin and carries the Turin extension layout", () => {
  const vcek = parseAmdCertificate(readFileSync(vectorPath("snp", "virtee_turin_vcek_only", "vcek.der")));
  assert.equal(vcek.amd.productName, "Turin");
  assert.equal(vcek.amd.structVersion, 1);
  assert.equal(vcek.amd.fmcSPL, 0);
  assert.equal(vcek.amd.ucodeSPL, 9);
  assert.equal(Buffer.from(vcek.amd.hwId!).toString("hex"), "1e550a8ee5cf9f4d");
  assert.equal(vcek.amd.raw["1.3.6.1.4.1.3704.1.3.4"], undefined, "no spl_4 on Turin");
  const chain = buildAmdChain(vcek, "VCEK", [], amdTrustStore(undefined));
  assert.ok(chain.ok);
  assert.equal(chain.product, "Turin");
  assert.equal(chain.genuine, true);
  assert.equal(chain.ark.subjectCn, "ARK-Turin");
  // The cert_chain beside it is exactly Turin's ASK + ARK.
  const supplied = parseAmdCertificates(
    readFileSync(vectorPath("snp", "virtee_turin_vcek_only", "cert_chain.pem"), "utf8"),
  );
  assert.deepEqual(
    supplied.map((c) => c.subjectCn),
    ["SEV-Turin", "ARK-Turin"],
  );
});

test("a VLEK chain needs an ASVK, a VCEK chain an ASK", () => {
  assert.equal(intermediateMatchesKind("SEV-Milan", "VCEK"), true);
  assert.equal(intermediateMatchesKind("SEV-VLEK-Milan", "VCEK"), false);
  assert.equal(intermediateMatchesKind("SEV-VLEK-Milan", "VLEK"), true);
  assert.equal(intermediateMatchesKind("SEV-Milan", "VLEK"), false);
  assert.equal(intermediateMatchesKind("SIMULATED SEV-Genoa", "VCEK"), true);
  const vlek = parseAmdCertificate(readFileSync(vectorPath("snp", "trustee_milan_v3_vlek", "vlek.der")));
  const asVcek = buildAmdChain(vlek, "VCEK", [], amdTrustStore(undefined));
  assert.equal(asVcek.ok, false);
  assert.ok(buildAmdChain(vlek, "VLEK", [], amdTrustStore(undefined)).ok);
});

test("unreadable certificates are typed errors", () => {
  assert.throws(() => parseAmdCertificate(Uint8Array.of(1, 2, 3)), { code: "ERR_AMD_CERTIFICATE" });
  assert.throws(() => parseAmdCertificate("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"), {
    code: "ERR_AMD_CERTIFICATE",
  });
  assert.throws(() => parseAmdCertificates("nothing here"), { code: "ERR_AMD_CERTIFICATE" });
});
