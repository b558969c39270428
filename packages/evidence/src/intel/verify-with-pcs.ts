/**
 * Verify a DCAP quote with collateral from an Intel PCS (or PCCS, or a pre-filled offline cache).
 * A collateral fetch failure never fails open: the quote is still verified (signatures, chain) and
 * the result carries the fetch failure plus `<tee>.collateral.missing`, with TCB status Unknown.
 */
import { errorMessage } from "@cocoon/core";
import type { VerifyResult } from "../types.ts";
import { verifyDcapQuote, type DcapVerifyOptions } from "../dcap/verify.ts";
import type { IntelPcsClient } from "./pcs.ts";

export async function verifyDcapQuoteWithPcs(
  quote: Uint8Array,
  pcs: IntelPcsClient,
  options: Omit<DcapVerifyOptions, "collateral"> = {},
): Promise<VerifyResult> {
  try {
    const collateral = await pcs.collateralForQuote(quote);
    return verifyDcapQuote(quote, { ...options, collateral });
  } catch (error) {
    const result = verifyDcapQuote(quote, options);
    const failure = {
      check: `${result.tee}.collateral.fetch`,
      expected: "collateral from the Intel PCS or its cache",
      actual: errorMessage(error),
    };
    return {
      ...result,
      valid: false,
      failures: [failure, ...result.failures],
      checks: [{ check: failure.check, ok: false, detail: failure.actual }, ...result.checks],
    };
  }
}
