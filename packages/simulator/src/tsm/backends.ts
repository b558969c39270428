/**
 * Simulated guest drivers behind the configfs-tsm model: what sev-guest and tdx-guest do with inblob/privlevel.
 *   sev_guest: inblob (≤ 64 bytes) → REPORT_DATA zero-padded; privlevel → VMPL; auxblob = certificate table.
 *   tdx_guest: inblob must be exactly 64 bytes (tdx_report_new: `inblob_len != TDX_REPORTDATA_LEN` → EINVAL);
 *              no privlevel attribute; the quote carries its own certificates, auxblob stays empty.
 * The "launch" options (measurement, host data, policy…) are fixed for the device's lifetime, like a booted VM.
 */
import { TsmReportError } from "../errors.ts";
import type { Simulator, SimulatedSnpOptions } from "../simulator.ts";
import type { TdxQuoteOptions } from "../tdx/quote.ts";
import type { TsmBackend } from "./simulated.ts";

/** REPORTDATA size of a TD report (Intel TDX module ABI; TDX_REPORTDATA_LEN in the kernel). */
const TDX_REPORTDATA_LEN = 64;

export function snpTsmBackend(
  simulator: Simulator,
  launch: Omit<SimulatedSnpOptions, "reportData" | "vmpl">,
): TsmBackend {
  return {
    provider: "sev_guest",
    privlevelFloor: 0,
    async generate(inblob, privlevel) {
      const out = await simulator.snpReport({ ...launch, reportData: inblob, vmpl: privlevel });
      return { outblob: out.report, auxblob: out.certTable };
    },
  };
}

export function tdxTsmBackend(simulator: Simulator, launch: Omit<TdxQuoteOptions, "reportData">): TsmBackend {
  return {
    provider: "tdx_guest",
    privlevelFloor: undefined,
    async generate(inblob) {
      if (inblob.length !== TDX_REPORTDATA_LEN) {
        throw new TsmReportError(
          `tdx_guest needs exactly ${TDX_REPORTDATA_LEN} bytes of inblob, got ${inblob.length}`,
          "EINVAL",
        );
      }
      const out = await simulator.tdxQuote({ ...launch, reportData: inblob });
      return { outblob: out.quote, auxblob: new Uint8Array(0) };
    },
  };
}
