/**
 * What differs between the simulated AMD product lines: CPUID in v3+ reports, TCB_VERSION byte layout, hwID
 * length. Values from research/evidence.md §1.2 and §1.6 (virtee/sev `identify_cpu`, `from_turin_bytes`).
 */
import { SimulatorInputError } from "../errors.ts";

export type SnpProduct = "Milan" | "Genoa" | "Turin";
export const SNP_PRODUCTS: readonly SnpProduct[] = ["Milan", "Genoa", "Turin"];

/** An SEV-SNP TCB: one SVN (0–255) per component; fmc exists on Turin only. */
export interface SnpTcb {
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
  fmc?: number;
}

/** CPUID family / model / stepping a chip of the line reports (family 19h Milan 01h, Genoa 11h; 1Ah Turin 02h). */
export const PRODUCT_CPUID: Record<SnpProduct, { family: number; model: number; stepping: number }> = {
  Milan: { family: 0x19, model: 0x01, stepping: 0x01 },
  Genoa: { family: 0x19, model: 0x11, stepping: 0x01 },
  Turin: { family: 0x1a, model: 0x02, stepping: 0x00 },
};

/** A plausible current TCB per line (from genuine reports: Milan 4/0/27/222, Genoa 10/0/23/84, Turin VCEK 0 fmc, ucode 9). */
export const DEFAULT_TCB: Record<SnpProduct, SnpTcb> = {
  Milan: { bootloader: 4, tee: 0, snp: 27, microcode: 222 },
  Genoa: { bootloader: 10, tee: 0, snp: 23, microcode: 84 },
  Turin: { fmc: 0, bootloader: 1, tee: 0, snp: 1, microcode: 9 },
};

export function parseProduct(name: string): SnpProduct {
  const found = SNP_PRODUCTS.find((p) => p.toLowerCase() === name.toLowerCase());
  if (!found)
    throw new SimulatorInputError(`unknown SEV-SNP product "${name}" (expected ${SNP_PRODUCTS.join(", ")})`);
  return found;
}

function checkSvn(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new SimulatorInputError(`TCB component ${name} must be an integer 0..255, got ${value}`);
  }
}

export function checkTcb(product: SnpProduct, tcb: SnpTcb): SnpTcb {
  checkSvn("bootloader", tcb.bootloader);
  checkSvn("tee", tcb.tee);
  checkSvn("snp", tcb.snp);
  checkSvn("microcode", tcb.microcode);
  checkSvn("fmc", tcb.fmc);
  if (product !== "Turin" && tcb.fmc !== undefined) {
    throw new SimulatorInputError(`${product} TCB has no FMC component (Turin and later only)`);
  }
  return product === "Turin" ? { ...tcb, fmc: tcb.fmc ?? 0 } : tcb;
}

/** TCB_VERSION bytes (evidence.md §1.2): legacy [0]=BL [1]=TEE [6]=SNP [7]=UCODE; Turin [0]=FMC [1]=BL [2]=TEE [3]=SNP [7]=UCODE. */
export function encodeSnpTcb(product: SnpProduct, tcb: SnpTcb): Uint8Array {
  const out = new Uint8Array(8);
  if (product === "Turin") {
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

export function decodeSnpTcb(product: SnpProduct, bytes: Uint8Array): SnpTcb {
  if (product === "Turin") {
    return { fmc: bytes[0]!, bootloader: bytes[1]!, tee: bytes[2]!, snp: bytes[3]!, microcode: bytes[7]! };
  }
  return { bootloader: bytes[0]!, tee: bytes[1]!, snp: bytes[6]!, microcode: bytes[7]! };
}
