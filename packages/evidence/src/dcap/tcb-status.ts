/**
 * The platform side of Intel's TCB evaluation for one quote: TCB level (SGX, or SGX + TDX), TDX
 * module identity, and, for TD 1.5 bodies, the TD relaunch advice (Intel QVL checkTcbLevel /
 * checkForRelaunch: a TD launched under an out-of-date TCB whose platform now runs a current one
 * is told to relaunch rather than being reported OutOfDate).
 */
import type { TcbStatus } from "../types.ts";
import { asTcbStatus, evaluateTdxModule, matchTcbLevel, type TcbInfo } from "./tcb-info.ts";

export interface PlatformInput {
  cpuSvnComponents: number[];
  pceSvn: number;
  /** TDX only. */
  td?: { teeTcbSvn: Uint8Array; mrSignerSeam: Uint8Array; seamAttributes: Uint8Array };
}

export interface PlatformEvaluation {
  /** Failure reason, when no status can be given (TCB_NOT_SUPPORTED, module mismatch). */
  unsupported?: { check: "tcb.level" | "tdx_module.identity"; reason: string };
  platformStatus?: TcbStatus;
  /** Statuses that converge into the platform's (TDX module level). */
  moduleStatus?: TcbStatus;
  moduleDetail?: string;
  tcbDate?: string;
  advisoryIds: string[];
}

export function evaluatePlatform(info: TcbInfo, input: PlatformInput): PlatformEvaluation {
  const out: PlatformEvaluation = { advisoryIds: [] };
  const match = matchTcbLevel(info, {
    cpuSvnComponents: input.cpuSvnComponents,
    pceSvn: input.pceSvn,
    ...(input.td ? { teeTcbSvn: input.td.teeTcbSvn } : {}),
  });
  if (!match.level) {
    out.unsupported = { check: "tcb.level", reason: "none (TCB_NOT_SUPPORTED)" };
  } else {
    out.platformStatus = asTcbStatus(match.level.tcbStatus);
    out.tcbDate = match.level.tcbDate;
    out.advisoryIds.push(...match.level.advisoryIDs);
  }
  if (input.td) {
    const mod = evaluateTdxModule(info, input.td.teeTcbSvn, input.td.mrSignerSeam, input.td.seamAttributes);
    if (mod.mismatch) {
      out.unsupported ??= { check: "tdx_module.identity", reason: mod.mismatch };
      if (!match.level) return out;
      out.unsupported = { check: "tdx_module.identity", reason: mod.mismatch };
    } else if (mod.level) {
      out.moduleStatus = asTcbStatus(mod.level.tcbStatus);
      out.moduleDetail = `${mod.identityId}: ${mod.level.tcbStatus}`;
      out.advisoryIds.push(...mod.level.advisoryIDs);
    } else {
      out.moduleDetail = "module major SVN 0: no identity";
    }
  }
  return out;
}

/** Intel checkForRelaunch: launch status vs. the status of the TCB the platform runs now (TEE_TCB_SVN2). */
export function checkForRelaunch(launch: TcbStatus, current: TcbStatus): TcbStatus {
  const relaunchable = [
    "UpToDate",
    "SWHardeningNeeded",
    "ConfigurationNeeded",
    "ConfigurationAndSWHardeningNeeded",
  ];
  if (!relaunchable.includes(current)) return launch;
  const currentNeedsConfig =
    current === "ConfigurationNeeded" || current === "ConfigurationAndSWHardeningNeeded";
  if (launch === "OutOfDate")
    return currentNeedsConfig ? "TDRelaunchAdvisedConfigurationNeeded" : "TDRelaunchAdvised";
  if (launch === "OutOfDateConfigurationNeeded") return "TDRelaunchAdvisedConfigurationNeeded";
  return launch;
}
