import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { X509Certificate } from "@peculiar/x509";
import { vectorPath } from "@cocoon/core";
import { sharedSimulator } from "../test/fixture.ts";
import type { SnpProduct, SnpTcb } from "./products.ts";
import { VCEK_OID } from "./vcek-extensions.ts";

/** (OID, DER value) of each extension, hwID replaced by its length: what must match a genuine VCEK exactly. */
function extensionShape(der: Uint8Array): string[] {
  return new X509Certificate(der).extensions.map((e) => {
    const value = Buffer.from(e.value);
    const shown = e.type === VCEK_OID.hwID ? `<${value.length} raw bytes>` : value.toString("hex");
    return `${e.type}${e.critical ? "!" : ""}=${shown}`;
  });
}

const genuine: Array<{ file: string; product: SnpProduct; tcb: SnpTcb }> = [
  { file: "gsg_milan_v2/vcek.der", product: "Milan", tcb: { bootloader: 2, tee: 0, snp: 5, microcode: 68 } },
  {
    file: "trustee_genoa_v3/vcek.der",
    product: "Genoa",
    tcb: { bootloader: 10, tee: 0, snp: 23, microcode: 25 },
  },
  {
    file: "virtee_turin_vcek_only/vcek.der",
    product: "Turin",
    tcb: { fmc: 0, bootloader: 0, tee: 0, snp: 0, microcode: 9 },
  },
];

test("simulated VLEK has the extensions of AWS's genuine Milan VLEK, byte for byte (cspId aside)", async () => {
  const sim = await sharedSimulator();
  const amd = await sim.amd("Milan");
  const simulated = await amd.vlek({ bootloader: 4, tee: 0, snp: 24, microcode: 217 }, new Date());
  const real = new Uint8Array(readFileSync(vectorPath("snp", "trustee_milan_v3_vlek", "vlek.der")));
  const withoutCsp = (der: Uint8Array): string[] =>
    extensionShape(der).filter((e) => !e.startsWith(VCEK_OID.cspId));
  assert.deepEqual(withoutCsp(simulated.der), withoutCsp(real));
  assert.equal(extensionShape(simulated.der).at(-1)?.split("=")[0], VCEK_OID.cspId);
  const cert = new X509Certificate(simulated.der);
  assert.match(cert.subject, /CN=SIMULATED SEV-VLEK$/);
  assert.match(new X509Certificate(simulated.intermediate).subject, /CN=SIMULATED SEV-VLEK-Milan$/);
  // One year, as the genuine VLEK (2024-12-10..2025-12-10).
  assert.equal(Math.round((cert.notAfter.getTime() - cert.notBefore.getTime()) / 86_400_000), 365);
});

for (const { file, product, tcb } of genuine) {
  test(`simulated ${product} VCEK has the extensions of the genuine ${file}, byte for byte (hwID aside)`, async () => {
    const sim = await sharedSimulator();
    const amd = await sim.amd(product);
    const simulated = await amd.vcek(tcb, new Date());
    const real = new Uint8Array(readFileSync(vectorPath("snp", file)));
    assert.deepEqual(extensionShape(simulated.der), extensionShape(real));
    const cert = new X509Certificate(simulated.der);
    assert.equal(cert.publicKey.algorithm.name, "ECDSA");
    assert.equal((cert.publicKey.algorithm as { namedCurve?: string }).namedCurve, "P-384");
    assert.equal((cert.signatureAlgorithm as unknown as { name: string }).name, "RSA-PSS");
  });
}
