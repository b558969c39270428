/**
 * AMD EPYC product lines that SEV-SNP evidence can come from. The line decides the TCB layout, the VCEK hwID
 * length and which ARK the chain must end in.
 */
export type SnpProduct = "Milan" | "Genoa" | "Turin";

export const SNP_PRODUCTS: readonly SnpProduct[] = ["Milan", "Genoa", "Turin"];

/**
 * Product line from the report's CPUID_FAM_ID / CPUID_MOD_ID (v3+). Ranges from virtee/sev src/lib.rs
 * `identify_cpu` and Trustee snp/mod.rs `get_processor_generation`: family 19h models 00–0Fh Milan,
 * 10–1Fh and A0–AFh Genoa; family 1Ah models 00–11h Turin. Anything else is unknown (undefined).
 */
export function productFromCpuid(family: number, model: number): SnpProduct | undefined {
  if (family === 0x19) {
    if (model <= 0x0f) return "Milan";
    if ((model >= 0x10 && model <= 0x1f) || (model >= 0xa0 && model <= 0xaf)) return "Genoa";
    return undefined;
  }
  if (family === 0x1a && model <= 0x11) return "Turin";
  return undefined;
}

/**
 * Product line from a VCEK/VLEK productName extension ("Milan-B0", "Genoa", "Turin"). The stepping suffix is
 * unreliable (a GCP stepping-1 Milan carries "Milan-B0", evidence.md §1.6) so only the line is compared.
 */
export function productFromName(name: string): SnpProduct | undefined {
  const dash = name.indexOf("-");
  const line = dash === -1 ? name : name.slice(0, dash);
  return SNP_PRODUCTS.find((p) => p === line);
}

/** Product line named in an AMD CA's common name: "ARK-Milan", "SEV-Genoa", "SEV-VLEK-Turin", "SIMULATED ARK-Milan". */
export function productFromCaName(commonName: string): SnpProduct | undefined {
  const match = /(?:ARK|SEV|SEV-VLEK)-(Milan|Genoa|Turin)\b/.exec(commonName);
  return match ? (match[1] as SnpProduct) : undefined;
}
