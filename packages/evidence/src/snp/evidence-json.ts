/**
 * Trustee's SNP evidence JSON (trustee.md §3.1; Trustee deps/verifier/src/snp/mod.rs `SnpEvidence`):
 *   {"attestation_report": <virtee/sev AttestationReport serde>, "cert_chain": [{"cert_type":"VCEK"|"VLEK"|"ASK"|"ARK", "data":[u8…]}] | null}
 * Byte arrays are JSON arrays of numbers; TCBs are {"fmc":null|n,"bootloader","tee","snp","microcode"};
 * signature is {"r":[72 LE bytes],"s":[72 LE bytes]}. The JSON holds no reserved bytes, so the report is
 * re-encoded into its 1184-byte layout with reserved fields zero — exactly the bytes the firmware signed when
 * those fields are zero, as they must be — and then verified like a raw report.
 */
import type { VerifyResult } from "../types.ts";
import { SnpFormatError } from "./errors.ts";
import { productFromCpuid } from "./product.ts";
import { SNP_REPORT_SIZE } from "./report.ts";
import { encodeTcb, type TcbLayout } from "./tcb.ts";
import { verifySnp, type SnpVerifyOptions } from "./verify.ts";

export interface SnpEvidenceJson {
  report: Uint8Array;
  certificates: { certType: string; der: Uint8Array }[];
}

type Json = Record<string, unknown>;

function obj(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SnpFormatError(`${what} must be an object`);
  return value as Json;
}

function uint(value: unknown, what: string, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new SnpFormatError(`${what} must be an integer in 0..${max}`);
  }
  return value;
}

function byteArray(value: unknown, what: string, length?: number): Uint8Array {
  if (!Array.isArray(value)) throw new SnpFormatError(`${what} must be an array of bytes`);
  if (length !== undefined && value.length !== length)
    throw new SnpFormatError(`${what} must hold ${length} bytes, got ${value.length}`);
  const out = new Uint8Array(value.length);
  value.forEach((b, i) => (out[i] = uint(b, `${what}[${i}]`, 255)));
  return out;
}

function u64(value: unknown, what: string): bigint {
  return BigInt(uint(value, what, Number.MAX_SAFE_INTEGER));
}

/** Decode Trustee SNP evidence JSON into raw report bytes and its certificate table. Throws SnpFormatError. */
export function decodeSnpEvidenceJson(text: string): SnpEvidenceJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SnpFormatError(
      `SNP evidence is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const top = obj(parsed, "SNP evidence");
  const r = obj(top.attestation_report, "attestation_report");
  const out = new Uint8Array(SNP_REPORT_SIZE);
  const view = new DataView(out.buffer);
  const version = uint(r.version, "version", 0xffffffff);
  view.setUint32(0x000, version, true);
  view.setUint32(0x004, uint(r.guest_svn, "guest_svn", 0xffffffff), true);
  view.setBigUint64(0x008, u64(r.policy, "policy"), true);
  out.set(byteArray(r.family_id, "family_id", 16), 0x010);
  out.set(byteArray(r.image_id, "image_id", 16), 0x020);
  view.setUint32(0x030, uint(r.vmpl, "vmpl", 0xffffffff), true);
  view.setUint32(0x034, uint(r.sig_algo, "sig_algo", 0xffffffff), true);
  view.setBigUint64(0x040, u64(r.plat_info, "plat_info"), true);
  view.setUint32(0x048, uint(r.key_info, "key_info", 0xffffffff), true);
  out.set(byteArray(r.report_data, "report_data", 64), 0x050);
  out.set(byteArray(r.measurement, "measurement", 48), 0x090);
  out.set(byteArray(r.host_data, "host_data", 32), 0x0c0);
  out.set(byteArray(r.id_key_digest, "id_key_digest", 48), 0x0e0);
  out.set(byteArray(r.author_key_digest, "author_key_digest", 48), 0x110);
  out.set(byteArray(r.report_id, "report_id", 32), 0x140);
  out.set(byteArray(r.report_id_ma, "report_id_ma", 32), 0x160);

  // CPUID fields are present (possibly null) for v3+; they also decide the TCB layout.
  let layout: TcbLayout = "legacy";
  if (version >= 3) {
    const fam = uint(r.cpuid_fam_id, "cpuid_fam_id", 255);
    const mod = uint(r.cpuid_mod_id, "cpuid_mod_id", 255);
    out[0x188] = fam;
    out[0x189] = mod;
    out[0x18a] = uint(r.cpuid_step, "cpuid_step", 255);
    if (productFromCpuid(fam, mod) === "Turin") layout = "turin";
  } else {
    const tcb = obj(r.reported_tcb, "reported_tcb");
    if (tcb.fmc !== null && tcb.fmc !== undefined) layout = "turin";
  }
  const tcb = (value: unknown, what: string): Uint8Array => {
    const t = obj(value, what);
    const fmc = t.fmc === null || t.fmc === undefined ? undefined : uint(t.fmc, `${what}.fmc`, 255);
    return encodeTcb(
      {
        bootloader: uint(t.bootloader, `${what}.bootloader`, 255),
        tee: uint(t.tee, `${what}.tee`, 255),
        snp: uint(t.snp, `${what}.snp`, 255),
        microcode: uint(t.microcode, `${what}.microcode`, 255),
        ...(fmc !== undefined ? { fmc } : {}),
      },
      layout,
    );
  };
  out.set(tcb(r.current_tcb, "current_tcb"), 0x038);
  out.set(tcb(r.reported_tcb, "reported_tcb"), 0x180);
  out.set(byteArray(r.chip_id, "chip_id", 64), 0x1a0);
  out.set(tcb(r.committed_tcb, "committed_tcb"), 0x1e0);
  const fw = (value: unknown, what: string, at: number): void => {
    const v = obj(value, what);
    out[at] = uint(v.build, `${what}.build`, 255);
    out[at + 1] = uint(v.minor, `${what}.minor`, 255);
    out[at + 2] = uint(v.major, `${what}.major`, 255);
  };
  fw(r.current, "current", 0x1e8);
  fw(r.committed, "committed", 0x1ec);
  out.set(tcb(r.launch_tcb, "launch_tcb"), 0x1f0);
  if (version >= 5) {
    view.setBigUint64(0x1f8, u64(r.launch_mit_vector ?? 0, "launch_mit_vector"), true);
    view.setBigUint64(0x200, u64(r.current_mit_vector ?? 0, "current_mit_vector"), true);
  }
  const sig = obj(r.signature, "signature");
  out.set(byteArray(sig.r, "signature.r", 72), 0x2a0);
  out.set(byteArray(sig.s, "signature.s", 72), 0x2e8);

  const certificates: SnpEvidenceJson["certificates"] = [];
  if (top.cert_chain !== null && top.cert_chain !== undefined) {
    if (!Array.isArray(top.cert_chain)) throw new SnpFormatError("cert_chain must be an array or null");
    top.cert_chain.forEach((entry, i) => {
      const e = obj(entry, `cert_chain[${i}]`);
      // virtee/sev CertType serde: unit variants as strings ("VCEK", "VLEK", "ASK", "ARK", "CRL", "Empty"), OTHER as {"OTHER": uuid}.
      const certType = typeof e.cert_type === "string" ? e.cert_type : "OTHER";
      certificates.push({ certType, der: byteArray(e.data, `cert_chain[${i}].data`) });
    });
  }
  return { report: out, certificates };
}

/** Verify Trustee SNP evidence JSON. Never throws: unreadable JSON is the failure "snp.evidence.format". */
export function verifySnpEvidenceJson(text: string, options: SnpVerifyOptions = {}): VerifyResult {
  let decoded: SnpEvidenceJson;
  try {
    decoded = decodeSnpEvidenceJson(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      tee: "snp",
      valid: false,
      claims: {},
      tcbStatus: "Unknown",
      checks: [{ check: "snp.evidence.format", ok: false, detail: message }],
      failures: [{ check: "snp.evidence.format", expected: "Trustee SNP evidence JSON", actual: message }],
    };
  }
  const certs = decoded.certificates
    .filter((c) => ["VCEK", "VLEK", "ASK", "ARK"].includes(c.certType))
    .map((c) => c.der);
  return verifySnp(decoded.report, { ...options, certificates: [...certs, ...(options.certificates ?? [])] });
}
