import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { decodeSnpCertTable } from "./cert-table.ts";
import { SnpFormatError } from "./errors.ts";
import { verifySnp } from "./verify.ts";

const vcek = readFileSync(vectorPath("snp", "trustee_genoa_v3", "vcek.der"));
const report = readFileSync(vectorPath("snp", "trustee_genoa_v3", "report.bin"));

/** A table as a host writes it: entries, terminator, then the blobs (built here from the GHCB layout). */
function table(entries: [string, Uint8Array][]): Buffer {
  const header = (entries.length + 1) * 24;
  const out = Buffer.alloc(header + entries.reduce((n, [, d]) => n + d.length, 0));
  let offset = header;
  entries.forEach(([guid, data], i) => {
    Buffer.from(guid.replace(/-/g, ""), "hex").copy(out, i * 24);
    out.writeUInt32LE(offset, i * 24 + 16);
    out.writeUInt32LE(data.length, i * 24 + 20);
    out.set(data, offset);
    offset += data.length;
  });
  return out;
}

test("decodes VCEK/ASK/ARK entries and feeds verifySnp", () => {
  const chain = readFileSync(vectorPath("amd", "genoa", "kds_vcek_cert_chain.pem"), "utf8");
  const blob = table([
    ["63da758d-e664-4564-adc5-f4b93be8accd", vcek],
    ["4ab7b379-bbac-4fe4-a02f-05aef327c782", Buffer.from(chain)],
    ["11111111-2222-3333-4444-555555555555", Buffer.from("x")],
  ]);
  const entries = decodeSnpCertTable(blob);
  assert.deepEqual(
    entries.map((e) => e.type),
    ["VCEK", "ASK", "OTHER"],
  );
  assert.deepEqual(Buffer.from(entries[0]!.data), vcek);
  const certs = entries.filter((e) => e.type !== "OTHER").map((e) => e.data);
  assert.equal(verifySnp(report, { now: new Date("2026-06-01T00:00:00Z"), certificates: certs }).valid, true);
});

test("missing terminator and out-of-bounds entries are typed errors", () => {
  const blob = table([["63da758d-e664-4564-adc5-f4b93be8accd", vcek]]);
  assert.throws(() => decodeSnpCertTable(blob.subarray(0, 30)), SnpFormatError);
  const bad = Buffer.from(blob);
  bad.writeUInt32LE(0xfffffff0, 20);
  assert.throws(() => decodeSnpCertTable(bad), /outside/);
  const badOffset = Buffer.from(blob);
  badOffset.writeUInt32LE(blob.length + 1, 16);
  assert.throws(() => decodeSnpCertTable(badOffset), /outside/);
  assert.deepEqual(decodeSnpCertTable(Buffer.alloc(24)), []);
});
