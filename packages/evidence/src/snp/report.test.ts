/** Field-by-field decoding of every genuine SNP report against its expected.json, plus malformed inputs (F1, F2). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parseSnpReport, reinterpretForProduct, SNP_REPORT_SIZE, type SnpReport } from "./report.ts";
import { SnpFormatError } from "./errors.ts";
import { snpVectors, type ExpectedTcb } from "./testing/vectors.ts";
import type { TcbVersion } from "./tcb.ts";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const vectors = snpVectors();

test("all genuine report vectors are present", () => {
  // gsg, virtee, trustee_milan_v2, trustee_milan_v3_vlek, trustee_genoa_v3, 3× teekit GCP v5.
  assert.equal(vectors.length, 8, vectors.map((v) => v.name).join(", "));
});

function assertTcb(actual: TcbVersion, expected: ExpectedTcb, what: string): void {
  assert.deepEqual(
    { bl: actual.bootloader, tee: actual.tee, snp: actual.snp, ucode: actual.microcode, raw: actual.raw },
    expected,
    what,
  );
}

function version(v: SnpReport["currentVersion"]): string {
  return `${v.major}.${v.minor}.${v.build}`;
}

for (const v of vectors) {
  test(`decodes ${v.name} field by field`, () => {
    const d = v.expected.decoded;
    assert.equal(createHash("sha256").update(v.report).digest("hex"), v.expected.sha256_report);
    const r = parseSnpReport(v.report);
    assert.equal(r.version, d.version);
    assert.equal(r.version, v.expected.report_version);
    assert.equal(r.guestSvn, d.guest_svn);
    assert.equal(`0x${r.policy.toString(16)}`, d.policy);
    assert.equal(hex(r.familyId), d.family_id);
    assert.equal(hex(r.imageId), d.image_id);
    assert.equal(r.vmpl, d.vmpl);
    assert.equal(r.signatureAlgo, d.sig_algo);
    assertTcb(r.currentTcb, d.current_tcb, "current_tcb");
    assert.equal(`0x${r.platformInfo.toString(16)}`, d.platform_info);
    assert.deepEqual(
      {
        author_key_en: Number(r.keyInfo.authorKeyEnabled),
        mask_chip_key: Number(r.keyInfo.maskChipKey),
        signing_key: r.keyInfo.signingKeyValue,
      },
      d.key_info,
    );
    assert.equal(r.keyInfo.signingKey, v.expected.signer);
    assert.equal(hex(r.reportData), d.report_data);
    assert.equal(hex(r.measurement), d.measurement);
    assert.equal(hex(r.hostData), d.host_data);
    assert.equal(hex(r.idKeyDigest), d.id_key_digest);
    assert.equal(hex(r.authorKeyDigest), d.author_key_digest);
    assert.equal(hex(r.reportId), d.report_id);
    assert.equal(hex(r.reportIdMa), d.report_id_ma);
    assertTcb(r.reportedTcb, d.reported_tcb, "reported_tcb");
    assert.deepEqual(
      { fam: r.cpuid?.family ?? null, mod: r.cpuid?.model ?? null, step: r.cpuid?.stepping ?? null },
      d.cpuid,
    );
    // v3+ names the product from CPUID; v2 leaves it to the VCEK.
    if (r.cpuid) assert.equal(r.product?.toLowerCase(), v.expected.product_line);
    else assert.equal(r.product, undefined);
    assert.equal(hex(r.chipId), d.chip_id);
    assertTcb(r.committedTcb, d.committed_tcb, "committed_tcb");
    assert.equal(version(r.currentVersion), d.current_ver);
    assert.equal(version(r.committedVersion), d.committed_ver);
    assertTcb(r.launchTcb, d.launch_tcb, "launch_tcb");
    assert.equal(
      r.launchMitVector === undefined ? null : `0x${r.launchMitVector.toString(16)}`,
      d.launch_mit_vector,
    );
    assert.equal(
      r.currentMitVector === undefined ? null : `0x${r.currentMitVector.toString(16)}`,
      d.current_mit_vector,
    );
    assert.deepEqual(r.reservedViolations, [], "genuine reports respect every MBZ rule");
    assert.equal(r.signatureR.length, 72);
    assert.equal(r.signatureS.length, 72);
  });
}

test("decoded guest policy and platform bits of known values", () => {
  const gsg = parseSnpReport(vectors.find((v) => v.name === "gsg_milan_v2/report")!.report);
  // 0xb0000 = SMT (16) | reserved (17) | DEBUG (19)
  assert.equal(gsg.guestPolicy.smtAllowed, true);
  assert.equal(gsg.guestPolicy.reservedBit17, true);
  assert.equal(gsg.guestPolicy.migrateMa, false);
  assert.equal(gsg.guestPolicy.debugAllowed, true);
  const tm = parseSnpReport(vectors.find((v) => v.name === "trustee_milan_v2/report")!.report);
  assert.equal(tm.guestPolicy.abiMinor, 0x1f); // 0x3001f
  const gcp = parseSnpReport(vectors.find((v) => v.name === "teekit_gcp_milan_v5/sev-gcp")!.report);
  // PLATFORM_INFO 0x25 = SMT_EN | ECC_EN | ALIAS_CHECK_COMPLETE
  assert.deepEqual(
    [
      gcp.platform.smtEnabled,
      gcp.platform.tsmeEnabled,
      gcp.platform.eccEnabled,
      gcp.platform.aliasCheckComplete,
    ],
    [true, false, true, true],
  );
});

test("Turin reports decode TCBs with the Turin layout (FMC first)", () => {
  const raw = Buffer.from(vectors.find((v) => v.name === "trustee_genoa_v3/report")!.report);
  raw[0x188] = 0x1a; // family 1Ah
  raw[0x189] = 0x02; // model 02h → Turin
  raw.set([7, 1, 2, 3, 0, 0, 0, 9], 0x180);
  const r = parseSnpReport(raw);
  assert.equal(r.product, "Turin");
  assert.equal(r.tcbLayout, "turin");
  assert.deepEqual(
    { ...r.reportedTcb },
    { fmc: 7, bootloader: 1, tee: 2, snp: 3, microcode: 9, raw: "0701020300000009" },
  );
});

test("F1: truncated or oversized input is a typed format error", () => {
  const good = vectors[0]!.report;
  for (const bad of [
    good.subarray(0, SNP_REPORT_SIZE - 1),
    Buffer.concat([good, Buffer.alloc(1)]),
    Buffer.alloc(0),
  ]) {
    assert.throws(
      () => parseSnpReport(bad),
      (e: unknown) => e instanceof SnpFormatError && e.code === "ERR_SNP_FORMAT",
    );
  }
});

test("F2: unsupported versions (0, 1, 6) are rejected at decode", () => {
  for (const version of [0, 1, 6, 0xffffffff]) {
    const raw = Buffer.from(vectors[0]!.report);
    raw.writeUInt32LE(version, 0);
    assert.throws(() => parseSnpReport(raw), /unsupported SNP report version/);
  }
});

test("F6: reserved and must-be-zero fields are listed as violations", () => {
  const base = vectors.find((v) => v.name === "teekit_gcp_milan_v5/sev-gcp")!.report;
  const cases: [number, number, RegExp][] = [
    [0x04c, 1, /0x04C/],
    [0x18b, 1, /0x18B/],
    [0x1eb, 1, /0x1EB/],
    [0x1ef, 1, /0x1EF/],
    [0x210, 1, /0x208/],
    [0x400, 1, /0x330/],
    [0x00a, 0x01, /bit 17/], // POLICY byte 2: clear bit 17, keep bit 16 → 0x10000
    [0x00f, 0x80, /63:26/],
    [0x04b, 0x80, /KEY_INFO/],
  ];
  for (const [offset, value, pattern] of cases) {
    const raw = Buffer.from(base);
    raw[offset] = value;
    const r = parseSnpReport(raw);
    assert.ok(
      r.reservedViolations.some((x) => pattern.test(x)),
      `offset 0x${offset.toString(16)}: ${r.reservedViolations.join("; ")}`,
    );
  }
  // v2 reserved range before CHIP_ID
  const v2 = Buffer.from(vectors.find((v) => v.name === "gsg_milan_v2/report")!.report);
  v2[0x188] = 1;
  assert.ok(parseSnpReport(v2).reservedViolations.some((x) => /0x188/.test(x)));
});

test("version 4 decodes with the v3 layout (virtee maps 3|4 => V3)", () => {
  const v3 = vectors.find((v) => v.name === "trustee_genoa_v3/report")!;
  const raw = Buffer.from(v3.report);
  raw.writeUInt32LE(4, 0);
  const r = parseSnpReport(raw);
  const base = parseSnpReport(v3.report);
  assert.equal(r.version, 4);
  assert.deepEqual(r.cpuid, base.cpuid);
  assert.equal(r.product, "Genoa");
  assert.deepEqual(r.reportedTcb, base.reportedTcb);
  assert.equal(r.launchMitVector, undefined);
  assert.deepEqual(r.reservedViolations, []);
});

test("reinterpretForProduct is exactly parseSnpReport with that product, for every vector and product", () => {
  for (const v of snpVectors()) {
    const first = parseSnpReport(v.report);
    for (const product of ["Milan", "Genoa", "Turin"] as const) {
      assert.deepEqual(
        reinterpretForProduct(first, product),
        parseSnpReport(v.report, { product }),
        `${v.name} as ${product}`,
      );
    }
  }
});

test("byte fields are views of the report's own copy, never of the caller's buffer", () => {
  const v = snpVectors()[0]!;
  const input = Buffer.from(v.report);
  const r = parseSnpReport(input);
  const measurement = Buffer.from(r.measurement).toString("hex");
  assert.equal(r.measurement.buffer, r.raw.buffer);
  assert.equal(Buffer.from(r.raw.subarray(0x090, 0x090 + 48)).toString("hex"), measurement);
  input.fill(0);
  assert.equal(Buffer.from(r.measurement).toString("hex"), measurement, "mutating the input changes nothing");
  assert.notEqual(Buffer.from(r.raw).toString("hex"), input.toString("hex"));
});
