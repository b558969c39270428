/**
 * SEV-SNP TCB_VERSION (8 bytes). Two layouts exist and the report itself does not say which one it uses: the
 * product decides (evidence.md §1.2; virtee/sev src/firmware/host/types/snp.rs `from_legacy_bytes` /
 * `from_turin_bytes`).
 *   legacy (Milan, Genoa): [0]=BOOT_LOADER [1]=TEE [2..5]=reserved [6]=SNP [7]=MICROCODE
 *   turin  (Zen 5+):       [0]=FMC [1]=BOOT_LOADER [2]=TEE [3]=SNP [4..6]=reserved [7]=MICROCODE
 */
import type { SnpProduct } from "./product.ts";
import { hexOf } from "./bytes.ts";

export type TcbLayout = "legacy" | "turin";

export interface TcbVersion {
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
  /** Turin and later only (FMC SVN); absent in the legacy layout. */
  fmc?: number;
  /** The 8 raw bytes, hex, as in the report. */
  raw: string;
}

export function tcbLayoutFor(product: SnpProduct | undefined): TcbLayout {
  return product === "Turin" ? "turin" : "legacy";
}

export function decodeTcb(bytes: Uint8Array, layout: TcbLayout): TcbVersion {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString("hex");
  return tcbFrom(bytes, 0, layout, raw);
}

/** decodeTcb of the 8 bytes at `offset` of a whole report: no subarray or Buffer view per TCB. */
export function decodeTcbAt(report: Uint8Array, offset: number, layout: TcbLayout): TcbVersion {
  return tcbFrom(report, offset, layout, hexOf(report, offset, 8));
}

function tcbFrom(bytes: Uint8Array, at: number, layout: TcbLayout, raw: string): TcbVersion {
  if (layout === "turin") {
    return {
      fmc: bytes[at]!,
      bootloader: bytes[at + 1]!,
      tee: bytes[at + 2]!,
      snp: bytes[at + 3]!,
      microcode: bytes[at + 7]!,
      raw,
    };
  }
  return { bootloader: bytes[at]!, tee: bytes[at + 1]!, snp: bytes[at + 6]!, microcode: bytes[at + 7]!, raw };
}

export function encodeTcb(tcb: Omit<TcbVersion, "raw">, layout: TcbLayout): Uint8Array {
  const out = new Uint8Array(8);
  if (layout === "turin") {
    out[0] = tcb.fmc ?? 0;
    out[1] = tcb.bootloader;
    out[2] = tcb.tee;
    out[3] = tcb.snp;
  } else {
    out[0] = tcb.bootloader;
    out[1] = tcb.tee;
    out[6] = tcb.snp;
  }
  out[7] = tcb.microcode;
  return out;
}

export type TcbComponent = "bootloader" | "tee" | "snp" | "microcode" | "fmc";
const COMPONENTS: TcbComponent[] = ["bootloader", "tee", "snp", "microcode", "fmc"];

/** Minimum TCB a policy can require; omitted components are not constrained. */
export type TcbMinimum = Partial<Record<TcbComponent, number>>;

/**
 * Components of `tcb` below `minimum`. Comparison is per component, never as one u64: a higher microcode must
 * not compensate a lower SNP firmware (go-sev-guest kds.go `TCBPartsLE`).
 */
export function tcbBelow(tcb: Omit<TcbVersion, "raw">, minimum: TcbMinimum): TcbComponent[] {
  const below: TcbComponent[] = [];
  for (const c of COMPONENTS) {
    const min = minimum[c];
    if (min === undefined) continue;
    if ((tcb[c] ?? 0) < min) below.push(c);
  }
  return below;
}

/** Components where `a` and `b` differ (fmc only compared when either side has it). */
export function tcbDiffers(a: Omit<TcbVersion, "raw">, b: Omit<TcbVersion, "raw">): TcbComponent[] {
  return COMPONENTS.filter((c) => (a[c] ?? undefined) !== (b[c] ?? undefined));
}

export function formatTcb(tcb: Omit<TcbVersion, "raw">): string {
  const parts = [`bl=${tcb.bootloader}`, `tee=${tcb.tee}`, `snp=${tcb.snp}`, `ucode=${tcb.microcode}`];
  if (tcb.fmc !== undefined) parts.unshift(`fmc=${tcb.fmc}`);
  return parts.join(",");
}
