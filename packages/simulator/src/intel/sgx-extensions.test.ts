import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { X509Certificate } from "@peculiar/x509";
import { vectorPath } from "@cocoon/core";
import { parseDcapQuote, rawJsonMember } from "@cocoon/evidence";
import { sharedSimulator } from "../test/fixture.ts";
import { SGX_EXTENSION_OID } from "./sgx-extensions.ts";

interface Tlv {
  tag: number;
  value: Uint8Array;
}

/** Split concatenated DER TLVs (short and long lengths). */
function tlvs(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let i = 0; i < bytes.length;) {
    const tag = bytes[i]!;
    let len = bytes[i + 1]!;
    let at = i + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + bytes[at + k]!;
      at += n;
    }
    out.push({ tag, value: bytes.subarray(at, at + len) });
    i = at + len;
  }
  return out;
}

function oidText(value: Uint8Array): string {
  const arcs: number[] = [];
  let n = 0;
  for (const b of value) {
    n = n * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(n);
      n = 0;
    }
  }
  return [Math.floor(arcs[0]! / 40), arcs[0]! % 40, ...arcs.slice(1)].join(".");
}

/** "OID:tag" for every {OID, value} pair, recursing into nested SEQUENCEs: the extension's shape without values. */
function shape(sequenceContent: Uint8Array): string[] {
  const out: string[] = [];
  for (const pair of tlvs(sequenceContent)) {
    const [oid, value] = tlvs(pair.value);
    const name = oidText(oid!.value);
    out.push(`${name}:${value!.tag.toString(16)}${value!.tag === 4 ? `/${value!.value.length}` : ""}`);
    if (value!.tag === 0x30) out.push(...shape(value!.value));
  }
  return out;
}

function sgxExtensionShape(der: Uint8Array): string[] {
  const ext = new X509Certificate(der).extensions.find((e) => e.type === SGX_EXTENSION_OID);
  assert.ok(ext, "PCK certificate has the SGX extension");
  const [top] = tlvs(new Uint8Array(ext.value));
  return shape(top!.value);
}

test("simulated PCK certificate: SGX extension has the genuine Platform-CA PCK's structure, element for element", async () => {
  const quote = parseDcapQuote(new Uint8Array(readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote.bin"))));
  const genuinePem = Buffer.from(quote.certification.pckCertData).toString("latin1");
  const genuineLeaf = Buffer.from(
    genuinePem.split("-----END CERTIFICATE-----")[0]!.split("-----BEGIN CERTIFICATE-----")[1]!,
    "base64",
  );
  const sim = await sharedSimulator();
  const simulated = await sim.tdxQuote({});
  assert.deepEqual(sgxExtensionShape(simulated.pckChain[0]!), sgxExtensionShape(new Uint8Array(genuineLeaf)));
});

test("simulated TCB info and QE identity have the genuine documents' keys, in order, at every level", async () => {
  const real = JSON.parse(
    readFileSync(vectorPath("tdx", "dcapqvl", "tdx_quote_collateral.json"), "utf8"),
  ) as {
    tcb_info: string;
    qe_identity: string;
  };
  const sim = await sharedSimulator();
  const { collateral } = await sim.tdxQuote({});
  const keys = (value: unknown): unknown =>
    Array.isArray(value)
      ? keys(value[0])
      : value !== null && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keys(v)]))
        : typeof value;
  const strip = (v: Record<string, unknown>): Record<string, unknown> => {
    // advisoryIDs appear only on levels below UpToDate; the simulated default has a single UpToDate level.
    const levels = v["tcbLevels"];
    return levels ? { ...v, tcbLevels: [levels].flat() } : v;
  };
  const realInfo = JSON.parse(real.tcb_info) as Record<string, unknown>;
  realInfo["tcbLevels"] = [(realInfo["tcbLevels"] as unknown[])[0]];
  assert.equal(JSON.stringify(keys(JSON.parse(collateral.tcbInfo))), JSON.stringify(keys(strip(realInfo))));
  assert.equal(
    JSON.stringify(keys(JSON.parse(collateral.qeIdentity))),
    JSON.stringify(keys(JSON.parse(real.qe_identity))),
  );
  // The signed text is the exact member value a PCS-style body would carry.
  const body = `{"tcbInfo":${collateral.tcbInfo},"signature":"${collateral.tcbInfoSignature}"}`;
  assert.equal(rawJsonMember(body, "tcbInfo"), collateral.tcbInfo);
});
