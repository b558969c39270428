/**
 * Robustness, property-style: truncations, bit flips and absurd length fields over every format (SNP report,
 * TDX v4/v5, SGX v3, Azure HCL report, TPM quote, Trustee evidence JSON). For every mutation, verification must
 * either return a VerifyResult whose failures each name a check (and valid ⇔ no failures) or throw a CocoonError
 * — never an untyped exception, never a hang. Mutations inside signed bytes must always be rejected.
 * A seeded PRNG keeps runs reproducible; a few thousand mutations in total keep it fast.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath, CocoonError } from "@cocoon/core";
import type { VerifyResult } from "./types.ts";
import { verifyEvidence, type VerifyEvidenceOptions } from "./verify.ts";
import { verifySnp } from "./snp/verify.ts";
import { verifyTdx, verifySgx } from "./dcap/verify.ts";
import { verifyAzSnpVtpmEvidence } from "./azure/az-snp.ts";
import { verifyAzTdxVtpmEvidence } from "./azure/az-tdx.ts";
import type { AzSnpVtpmEvidence, AzTdxVtpmEvidence } from "./azure/evidence-json.ts";
import { verifyTpmQuote } from "./tpm/verify-quote.ts";
import { parseTrusteeTpmEvidence } from "./tpm/trustee-evidence.ts";
import { pcrBank } from "./tpm/pcr.ts";
import { TPM_ALG } from "./tpm/constants.ts";

const NOW = new Date("2026-06-01T00:00:00Z");
const SEED = 0xc0c0a;

/** mulberry32: a tiny, good-enough seeded PRNG (reproducible mutations). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inSigned(format: Format, offset: number): boolean {
  return format.checked.some(([start, end]) => offset >= start && offset < end);
}

type Mutation = { kind: string; bytes: Uint8Array; signedRegionChanged: boolean };

interface Format {
  name: string;
  bytes: Uint8Array;
  /** Byte offsets of length fields (with their width) worth setting to absurd values. */
  lengthFields: [offset: number, width: 2 | 4][];
  /** Byte ranges [start, end) covered by a signature, a hash or a check: any change there must be rejected. */
  checked: [start: number, end: number][];
  /** How many of the 250 mutations at least must be rejected (the rest hit unchecked bytes). */
  minRejected?: number;
  verify: (bytes: Uint8Array) => VerifyResult;
  /** Failures the unmutated input already has (e.g. absent collateral); a rejection must add another. */
  baseline?: string[];
}

function mutations(format: Format, count: number, random: () => number): Mutation[] {
  const out: Mutation[] = [];
  const { bytes } = format;
  const pick = (n: number) => Math.floor(random() * n);
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.25) {
      const n = pick(bytes.length);
      out.push({
        kind: `truncate to ${n}`,
        bytes: bytes.slice(0, n),
        signedRegionChanged: n < format.bytes.length && inSigned(format, n),
      });
    } else if (roll < 0.75) {
      const bit = pick(bytes.length * 8);
      const copy = bytes.slice();
      copy[bit >> 3]! ^= 1 << (bit & 7);
      out.push({ kind: `flip bit ${bit}`, bytes: copy, signedRegionChanged: inSigned(format, bit >> 3) });
    } else if (roll < 0.9 && format.lengthFields.length > 0) {
      const [offset, width] = format.lengthFields[pick(format.lengthFields.length)]!;
      const copy = bytes.slice();
      const view = new DataView(copy.buffer);
      const value = [0, 1, 0xffff, 0xffffffff, bytes.length, bytes.length + 1][pick(6)]!;
      // TPM structures are big-endian (TPM 2.0 Part 1 §9); SNP, DCAP and HCL little-endian.
      const littleEndian = !format.name.startsWith("TPM");
      if (width === 2) view.setUint16(offset, value & 0xffff, littleEndian);
      else view.setUint32(offset, value >>> 0, littleEndian);
      const changed = !Buffer.from(copy).equals(Buffer.from(bytes));
      out.push({
        kind: `length field @${offset} = ${value}`,
        bytes: copy,
        signedRegionChanged: changed && inSigned(format, offset),
      });
    } else {
      const at = pick(bytes.length);
      const copy = Uint8Array.from([
        ...bytes.subarray(0, at),
        ...new Uint8Array(1 + pick(64)).fill(0xff),
        ...bytes.subarray(at),
      ]);
      out.push({ kind: `insert 0xff… at ${at}`, bytes: copy, signedRegionChanged: inSigned(format, at) });
    }
  }
  return out;
}

/** The property every outcome must have. Returns the failures, or undefined when a typed error was thrown. */
function outcome(format: Format, mutation: Mutation): string[] | undefined {
  let result: VerifyResult;
  try {
    result = format.verify(mutation.bytes);
  } catch (error) {
    assert.ok(
      error instanceof CocoonError,
      `${format.name} / ${mutation.kind}: untyped ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    assert.ok(error.code.length > 0 && error.message.length > 0);
    return undefined;
  }
  assert.equal(
    result.valid,
    result.failures.length === 0,
    `${format.name} / ${mutation.kind}: valid ⇔ no failures`,
  );
  for (const f of result.failures) {
    assert.ok(
      typeof f.check === "string" && /^[a-z0-9_.-]+$/.test(f.check),
      `${format.name} / ${mutation.kind}: named check`,
    );
    assert.equal(typeof f.expected, "string");
    assert.equal(typeof f.actual, "string");
  }
  assert.ok(Array.isArray(result.checks) && typeof result.claims === "object");
  return result.failures.map((f) => f.check);
}

const read = (...p: string[]): Uint8Array => new Uint8Array(readFileSync(vectorPath(...p)));
const u32le = (b: Uint8Array, o: number): number => new DataView(b.buffer, b.byteOffset).getUint32(o, true);

function tpmQuoteJson(tee: "snp" | "tdx"): AzSnpVtpmEvidence["tpmQuote"] {
  const q = JSON.parse(readFileSync(vectorPath("azure", tee, "tpm-quote-v1.json"), "utf8")) as Record<
    string,
    string | string[]
  >;
  return {
    signature: Buffer.from(q["signature"] as string, "hex"),
    message: Buffer.from(q["message"] as string, "hex"),
    pcrs: (q["pcrs"] as string[]).map((p) => Buffer.from(p, "hex")),
  };
}
const snpTpmQuote = tpmQuoteJson("snp");
const tdxTpmQuote = tpmQuoteJson("tdx");
const azureVcek = read("azure", "snp", "vcek.pem");
const azureTdQuote = read("azure", "tdx", "td-quote.bin");

function azSnpPair(hcl: Uint8Array): AzSnpVtpmEvidence {
  return { version: 1, hclReport: hcl, vcek: azureVcek, tpmQuote: snpTpmQuote };
}

function azTdxPair(hcl: Uint8Array): AzTdxVtpmEvidence {
  return { version: 1, hclReport: hcl, tdQuote: azureTdQuote, tpmQuote: tdxTpmQuote };
}

const tdx4 = read("tdx", "trustee", "tdx_quote_4.dat");
const tdx5 = read("tdx", "trustee", "tdx_quote_5.dat");
const sgx3 = read("sgx", "trustee", "occlum_quote.dat");
const v5BodySize = u32le(tdx5, 50);
const tpmEvidence = parseTrusteeTpmEvidence(
  JSON.parse(readFileSync(vectorPath("trustee", "tpm", "tpm_evidence.json"), "utf8")),
);
const tpmPcrs = pcrBank(TPM_ALG.SHA256, tpmEvidence.pcrs);
const snpOptions = { certificates: [read("snp", "gsg_milan_v2", "vcek.der")], now: NOW };
const pairOptions = {
  expectedReportData: Buffer.from("challenge"),
  now: NOW,
  allowProvisionalFirmware: true,
};

const binaryFormats: Format[] = [
  {
    name: "SNP report (gsg_milan_v2)",
    bytes: read("snp", "gsg_milan_v2", "report.bin"),
    lengthFields: [],
    // The whole report is signed (0x000–0x29F) or is the signature (0x2A0–0x4A0, R/S and MBZ tail).
    checked: [[0, 0x4a0]],
    verify: (b) => verifySnp(b, snpOptions),
  },
  {
    name: "TDX v4 quote",
    bytes: tdx4,
    lengthFields: [
      [632, 4],
      [632 + 4 + 64 + 64 + 2, 4],
    ],
    checked: [[0, 632]],
    verify: (b) => verifyTdx(b, { now: NOW }),
    baseline: ["tdx.collateral.missing", "tdx.debug"],
  },
  {
    name: "TDX v5 quote",
    bytes: tdx5,
    lengthFields: [
      [50, 4],
      [48 + 6 + v5BodySize, 4],
    ],
    checked: [[0, 48 + 6 + v5BodySize]],
    verify: (b) => verifyTdx(b, { now: NOW }),
    baseline: ["tdx.collateral.missing"],
  },
  {
    name: "SGX v3 quote",
    bytes: sgx3,
    lengthFields: [
      [432, 4],
      [432 + 4 + 64 + 64 + 384 + 64, 2],
    ],
    checked: [[0, 432]],
    verify: (b) => verifySgx(b, { now: NOW }),
    baseline: ["sgx.collateral.missing"],
  },
  {
    name: "Azure HCL report (SNP)",
    bytes: read("azure", "snp", "hcl-report.bin"),
    lengthFields: [
      [8, 4],
      [0x4c0, 4],
      [0x4d0, 4],
    ],
    // Checked: signature, report_size, the signed SNP report, IGVM data_size / report_type / hash type / var size,
    // and the var data (hashed into REPORT_DATA). Header version/request_type/status and IGVM version are not.
    checked: [
      [0, 4],
      [8, 12],
      [0x20, 0x4c4],
      [0x4c8, 0x4d4 + u32le(read("azure", "snp", "hcl-report.bin"), 0x4d0)],
    ],
    verify: (b) => verifyAzSnpVtpmEvidence(azSnpPair(b), pairOptions),
  },
  {
    name: "Azure HCL report (TDX)",
    bytes: read("azure", "tdx", "hcl-report.bin"),
    lengthFields: [
      [0x4c0, 4],
      [0x4d0, 4],
    ],
    // Only REPORTDATA and MRTD of the TDREPORT are compared with the signed TD quote (azure.tdreport.match); the
    // rest of the TDREPORT (MAC, TEE_TCB_INFO, other TDINFO fields) is not authenticated by anything here.
    checked: [
      [0, 4],
      [8, 12],
      [0x20 + 0x80, 0x20 + 0xc0],
      [0x20 + 528, 0x20 + 576],
      [0x4c0, 0x4c4],
      [0x4c8, 0x4d4 + u32le(read("azure", "tdx", "hcl-report.bin"), 0x4d0)],
    ],
    minRejected: 120,
    verify: (b) => verifyAzTdxVtpmEvidence(azTdxPair(b), pairOptions),
    baseline: ["tdx.collateral.missing"],
  },
  {
    name: "TPM quote (TPMS_ATTEST)",
    bytes: tpmEvidence.message,
    lengthFields: [
      [6, 2],
      [6 + 2 + 34, 2],
      [tpmEvidence.message.length - 34, 2],
      [tpmEvidence.message.length - 42, 4],
    ],
    checked: [[0, tpmEvidence.message.length]],
    verify: (b) =>
      verifyTpmQuote(
        { message: b, signature: tpmEvidence.signature, pcrs: tpmPcrs },
        { akPublicKey: tpmEvidence.akPublic },
      ),
  },
  {
    name: "TPM signature (TPMT_SIGNATURE)",
    bytes: tpmEvidence.signature,
    lengthFields: [[4, 2]],
    checked: [[0, tpmEvidence.signature.length]],
    verify: (b) =>
      verifyTpmQuote(
        { message: tpmEvidence.message, signature: b, pcrs: tpmPcrs },
        { akPublicKey: tpmEvidence.akPublic },
      ),
  },
];

describe("robustness: binary formats", () => {
  const random = prng(SEED);
  for (const format of binaryFormats) {
    test(
      `${format.name}: 250 mutations, typed outcomes, signed changes rejected`,
      { timeout: 120_000 },
      () => {
        const baseline = new Set(format.baseline ?? []);
        let rejected = 0;
        for (const mutation of mutations(format, 250, random)) {
          const failures = outcome(format, mutation);
          const extra = failures?.filter((c) => !baseline.has(c));
          if (failures === undefined || extra!.length > 0) rejected++;
          else if (mutation.signedRegionChanged) {
            assert.fail(`${format.name} / ${mutation.kind}: a change in signed bytes was not rejected`);
          }
        }
        assert.ok(
          rejected >= (format.minRejected ?? 200),
          `${format.name}: ${rejected}/250 mutations rejected`,
        );
      },
    );
  }
});

/** Structural JSON mutations: replace a random value with an absurd one, or drop a key. */
function mutateJson(value: unknown, random: () => number): unknown {
  const absurd = [
    null,
    -1,
    1.5,
    1e308,
    "",
    "zz",
    "%%%",
    [],
    {},
    "a".repeat(5000),
    new Array(300).fill(256),
    true,
  ];
  const copy = structuredClone(value) as unknown;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (Array.isArray(v)) v.slice(0, 40).forEach((x, i) => walk(x, [...p, i]));
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(copy, []);
  const path = paths[1 + Math.floor(random() * (paths.length - 1))]!;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (random() < 0.2 && !Array.isArray(parent)) delete parent[last];
  else parent[last] = absurd[Math.floor(random() * absurd.length)];
  return copy;
}

const jsonFormats: { name: string; file: string[]; options: VerifyEvidenceOptions }[] = [
  { name: "Trustee az-snp-vtpm v0", file: ["azure", "snp", "evidence-v0.json"], options: { now: NOW } },
  { name: "Trustee az-snp-vtpm v2", file: ["azure", "snp", "evidence-v2.json"], options: { now: NOW } },
  { name: "Trustee az-tdx-vtpm v1", file: ["azure", "tdx", "evidence-v1.json"], options: { now: NOW } },
  { name: "Trustee TPM", file: ["trustee", "tpm", "tpm_evidence.json"], options: {} },
  { name: "Trustee SNP", file: ["trustee", "snp", "evidence.json"], options: { now: NOW } },
];

describe("robustness: Trustee evidence JSON", () => {
  const random = prng(SEED + 1);
  for (const format of jsonFormats) {
    test(`${format.name}: 150 text and structural mutations`, { timeout: 120_000 }, () => {
      const text = readFileSync(vectorPath(...format.file), "utf8");
      const json = JSON.parse(text) as unknown;
      const f: Format = {
        name: format.name,
        bytes: new TextEncoder().encode(text),
        lengthFields: [],
        checked: [],
        verify: (b) => verifyEvidence(b, format.options),
      };
      for (let i = 0; i < 150; i++) {
        let mutation: Mutation;
        if (i % 3 === 0) {
          const n = Math.floor(random() * f.bytes.length);
          mutation = { kind: `truncate to ${n}`, bytes: f.bytes.slice(0, n), signedRegionChanged: false };
        } else if (i % 3 === 1) {
          const bit = Math.floor(random() * f.bytes.length * 8);
          const copy = f.bytes.slice();
          copy[bit >> 3]! ^= 1 << (bit & 7);
          mutation = { kind: `flip bit ${bit}`, bytes: copy, signedRegionChanged: false };
        } else {
          const mutated = JSON.stringify(mutateJson(json, random));
          mutation = {
            kind: `structural ${mutated.length}`,
            bytes: new TextEncoder().encode(mutated),
            signedRegionChanged: false,
          };
        }
        outcome(f, mutation);
      }
    });
  }
});
