/** Test support: the raw Azure vTPM vectors (vectors/azure/{snp,tdx}/, see their README) as evidence parts. */
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import type { AzureTpmQuote } from "../evidence-json.ts";

/**
 * Trustee's tpm-quote-v1.json beside each raw HCL report: the v1 TPM quote JSON ({signature, message, pcrs}
 * in hex), decoded here by hand rather than by the parser under test.
 */
export function tpmQuoteVector(tee: "snp" | "tdx"): AzureTpmQuote {
  const quote = JSON.parse(readFileSync(vectorPath("azure", tee, "tpm-quote-v1.json"), "utf8")) as {
    signature: string;
    message: string;
    pcrs: string[];
  };
  return {
    signature: Buffer.from(quote.signature, "hex"),
    message: Buffer.from(quote.message, "hex"),
    pcrs: quote.pcrs.map((p) => Buffer.from(p, "hex")),
  };
}

/** vectors/azure/{tee}/hcl-report.bin: the HCL report read from the vTPM NV index. */
export function hclReportVector(tee: "snp" | "tdx"): Uint8Array {
  return new Uint8Array(readFileSync(vectorPath("azure", tee, "hcl-report.bin")));
}
