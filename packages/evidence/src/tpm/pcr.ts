/**
 * PCR selections and the quote's PCR digest. TPM2_Quote (TPM 2.0 Part 3 §18.4) hashes the selected PCR values
 * concatenated in selection order — banks in the order of TPML_PCR_SELECTION, PCRs ascending within a bank —
 * with the signing scheme's hash; the result is TPMS_QUOTE_INFO.pcrDigest.
 */
import { createHash } from "node:crypto";
import { TpmFormatError } from "./errors.ts";
import { TPM_HASHES, algName } from "./constants.ts";
import type { TpmReader } from "./reader.ts";

/** One TPMS_PCR_SELECTION: a bank (hash algorithm) and the PCR indices selected in it, ascending. */
export interface PcrSelection {
  hashAlg: number;
  /** The raw bitmap (pcrSelect), bit j of byte i = PCR 8i+j. */
  bitmap: Uint8Array;
  pcrs: number[];
}

/** HASH_COUNT bounds the banks a TPM has; more than 16 cannot come from a real TPM (Part 2 §10.9.7). */
const MAX_BANKS = 16;
/** PCR_SELECT_MAX: a TPM has at most a few dozen PCRs; 32 bytes (256 PCRs) is far beyond any implementation. */
const MAX_SELECT_BYTES = 32;

export function readPcrSelectionList(reader: TpmReader): PcrSelection[] {
  const count = reader.u32("pcrSelect.count");
  if (count > MAX_BANKS) {
    throw new TpmFormatError(`TPML_PCR_SELECTION.count ${count} exceeds ${MAX_BANKS}`, { count });
  }
  const out: PcrSelection[] = [];
  for (let i = 0; i < count; i++) {
    const hashAlg = reader.u16(`pcrSelect[${i}].hash`);
    const size = reader.u8(`pcrSelect[${i}].sizeofSelect`);
    if (size > MAX_SELECT_BYTES) {
      throw new TpmFormatError(`TPMS_PCR_SELECTION.sizeofSelect ${size} exceeds ${MAX_SELECT_BYTES}`, {
        size,
      });
    }
    const bitmap = reader.take(size, `pcrSelect[${i}].pcrSelect`);
    out.push({ hashAlg, bitmap: Uint8Array.from(bitmap), pcrs: pcrsOfBitmap(bitmap) });
  }
  return out;
}

export function pcrsOfBitmap(bitmap: Uint8Array): number[] {
  const pcrs: number[] = [];
  for (let i = 0; i < bitmap.length; i++) {
    for (let bit = 0; bit < 8; bit++) if (bitmap[i]! & (1 << bit)) pcrs.push(i * 8 + bit);
  }
  return pcrs;
}

/** PCR values the verifier was given: per bank (TPM_ALG_ID), per PCR index. */
export type PcrValues = ReadonlyMap<number, ReadonlyMap<number, Uint8Array>>;

/** The common case: one bank with values listed by PCR index (Trustee's `pcrs: [hex × 24]`, SHA-256 bank). */
export function pcrBank(hashAlg: number, values: readonly Uint8Array[]): PcrValues {
  return new Map([[hashAlg, new Map(values.map((value, index) => [index, value] as const))]]);
}

export type PcrDigestResult =
  { ok: true; digest: Uint8Array } | { ok: false; reason: "missing" | "length" | "hash"; detail: string };

/**
 * The digest TPM2_Quote would produce over `values` for `selection`, or why it cannot be computed: a selected
 * PCR with no value, a value of the wrong size for its bank, or a hash algorithm this verifier does not have.
 */
export function computePcrDigest(
  selection: readonly PcrSelection[],
  values: PcrValues,
  hashAlg: number,
): PcrDigestResult {
  const hash = TPM_HASHES.get(hashAlg);
  if (hash === undefined)
    return { ok: false, reason: "hash", detail: `unsupported digest ${algName(hashAlg)}` };
  const h = createHash(hash.name);
  for (const bank of selection) {
    const bankHash = TPM_HASHES.get(bank.hashAlg);
    const bankValues = values.get(bank.hashAlg);
    for (const pcr of bank.pcrs) {
      const value = bankValues?.get(pcr);
      if (value === undefined) {
        return { ok: false, reason: "missing", detail: `no value for ${algName(bank.hashAlg)} PCR ${pcr}` };
      }
      if (bankHash !== undefined && value.length !== bankHash.size) {
        return {
          ok: false,
          reason: "length",
          detail: `${algName(bank.hashAlg)} PCR ${pcr} is ${value.length} bytes, expected ${bankHash.size}`,
        };
      }
      h.update(value);
    }
  }
  return { ok: true, digest: new Uint8Array(h.digest()) };
}

/** Supplied PCR values the quote does not cover (reporting them as claims would be unauthenticated). */
export function unquotedPcrs(selection: readonly PcrSelection[], values: PcrValues): string[] {
  const out: string[] = [];
  for (const [alg, bank] of values) {
    const selected = new Set(selection.filter((s) => s.hashAlg === alg).flatMap((s) => s.pcrs));
    for (const index of bank.keys()) if (!selected.has(index)) out.push(`${algName(alg)}:${index}`);
  }
  return out;
}
