/**
 * Test helpers: the genuine SEV-SNP vectors of shared/vectors/snp with their expected.json, read in place.
 * Each entry also names the policy relaxations that vector needs to pass, with the reason.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { vectorPath } from "@cocoon/core";
import type { SnpVerifyOptions } from "../verify.ts";

export interface ExpectedTcb {
  bl: number;
  tee: number;
  snp: number;
  ucode: number;
  raw: string;
}

export interface SnpExpected {
  report_file: string;
  cert_file: string;
  sha256_report: string;
  product_line: string;
  report_version: number;
  signer: "VCEK" | "VLEK";
  checks: Record<string, unknown>;
  cert: {
    subject_cn: string;
    issuer_cn: string;
    not_before: string;
    not_after: string;
    extensions: Record<string, string | number>;
  };
  decoded: Record<string, unknown> & {
    current_tcb: ExpectedTcb;
    reported_tcb: ExpectedTcb;
    committed_tcb: ExpectedTcb;
    launch_tcb: ExpectedTcb;
    key_info: { author_key_en: number; mask_chip_key: number; signing_key: number };
    cpuid: { fam: number | null; mod: number | null; step: number | null };
  };
}

export interface SnpVector {
  name: string;
  dir: string;
  expected: SnpExpected;
  report: Buffer;
  cert: Buffer;
  /** Options under which the genuine vector is fully valid, each relaxation justified in `why`. */
  passOptions: SnpVerifyOptions;
  why: string;
}

function readReport(dir: string, file: string): Buffer {
  const bytes = readFileSync(path.join(dir, file));
  // virtee's vector is uppercase hex text.
  return file.endsWith(".hex") ? Buffer.from(bytes.toString("utf8").trim(), "hex") : bytes;
}

const RELAXATIONS: Record<string, { options: SnpVerifyOptions; why: string }> = {
  "gsg_milan_v2/report": { options: { allowDebug: true }, why: "POLICY 0xb0000 has DEBUG (bit 19) set" },
  "trustee_milan_v2/report": {
    options: { allowProvisionalFirmware: true },
    why: "COMMITTED_TCB ucode 115 < CURRENT_TCB ucode 206 (provisional firmware)",
  },
  "trustee_milan_v3_vlek/report": {
    options: { maxVmpl: 1, allowProvisionalFirmware: true, now: new Date("2025-06-01T00:00:00Z") },
    why: "VMPL 1; COMMITTED ucode 219 < CURRENT 220; VLEK valid only 2024-12-10..2025-12-10",
  },
  "teekit_gcp_milan_v5/sev-gcp-reportdata": { options: { maxVmpl: 1 }, why: "VMPL 1" },
  "teekit_gcp_milan_v5/sev-gcp-x25519-bound": { options: { maxVmpl: 1 }, why: "VMPL 1" },
};

/** Every genuine report vector (those whose expected.json names a report_file). */
export function snpVectors(): SnpVector[] {
  const root = vectorPath("snp");
  const out: SnpVector[] = [];
  for (const sub of readdirSync(root).sort()) {
    const dir = path.join(root, sub);
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const f of files.filter((x) => x.endsWith(".expected.json")).sort()) {
      const expected = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as SnpExpected;
      if (!expected.report_file) continue;
      const name = `${sub}/${f.replace(/\.expected\.json$/, "")}`;
      const relax = RELAXATIONS[name] ?? { options: {}, why: "none needed" };
      out.push({
        name,
        dir,
        expected,
        report: readReport(dir, expected.report_file),
        cert: readFileSync(path.join(dir, expected.cert_file)),
        passOptions: relax.options,
        why: relax.why,
      });
    }
  }
  return out;
}

export function findVector(name: string): SnpVector {
  const v = snpVectors().find((x) => x.name === name);
  if (!v) throw new Error(`no SNP vector ${name}`);
  return v;
}
