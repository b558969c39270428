/**
 * What differs between the simulated AMD product lines: CPUID in v3+ reports, TCB_VERSION byte layout, hwID
 * length. Values from research/evidence.md §1.2 and §1.6 (virtee/sev `identify_cpu`, `from_turin_bytes`).
 */
import { decodeTcb, encodeTcb, SNP_PRODUCTS, type SnpProduct, type TcbLayout } from "@cocoon/evidence";
import { SimulatorInputError } from "../errors.ts";

// The product lines are the verifier's: a line the simulator makes evidence for is one the verifier knows.
export { SNP_PRODUCTS, type SnpProduct };

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

/** The TCB_VERSION byte layout of the line (evidence.md §1.2): Turin moved SNP and added FMC. */
function layoutOf(product: SnpProduct): TcbLayout {
  return product === "Turin" ? "turin" : "legacy";
}

/**
 * TCB_VERSION bytes (evidence.md §1.2): legacy [0]=BL [1]=TEE [6]=SNP [7]=UCODE; Turin [0]=FMC [1]=BL [2]=TEE
 * [3]=SNP [7]=UCODE. The verifier's encoder, so what the simulator writes is what the verifier reads.
 */
export function encodeSnpTcb(product: SnpProduct, tcb: SnpTcb): Uint8Array {
  return encodeTcb(tcb, layoutOf(product));
}

/** The inverse of encodeSnpTcb: the 8 TCB_VERSION bytes as the line lays them out. */
export function decodeSnpTcb(product: SnpProduct, bytes: Uint8Array): SnpTcb {
  // The layout reads bytes 0..7: shorter input is a typed error rather than undefined components.
  if (bytes.length < 8) throw new SimulatorInputError(`TCB_VERSION needs 8 bytes, got ${bytes.length}`);
  const { raw: _raw, ...tcb } = decodeTcb(bytes, layoutOf(product));
  return tcb;
}
