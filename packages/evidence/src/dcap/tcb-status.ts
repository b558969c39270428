/**
 * The platform side of Intel's TCB evaluation for one quote: TCB level (SGX, or SGX + TDX), TDX
 * module identity, and, for TD 1.5 bodies, the TD relaunch advice (Intel QVL checkTcbLevel /
 * checkForRelaunch: a TD launched under an out-of-date TCB whose platform now runs a current one
 * is told to relaunch rather than being reported OutOfDate).
 */
import type { TcbStatus } from "../types.ts";
import { bytesKey, IdentityMemo, registerClearable } from "./cache.ts";
import type { PckExtensions } from "./pck.ts";
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

/** The TD report fields the TDX part of the evaluation reads. */
export interface TdTcbFields {
  teeTcbSvn: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: Uint8Array;
}

/**
 * Evaluations remembered per parsed tcbInfo and per PCK extensions object (both cached and never
 * modified, so identity is content), then per exact TD fields. The evaluation is a pure function of
 * these; the shared result objects are only read.
 */
const evaluations = new IdentityMemo<TcbInfo, WeakMap<PckExtensions, Map<string, PlatformEvaluation>>>();

/**
 * The evaluation returned last, with private copies of its TD fields: the quotes of one platform
 * all carry the same fields, and three short memcmps are cheaper than building the Map key (issue #2).
 */
let last:
  | { info: TcbInfo; ext: PckExtensions; td: TdTcbCopy | undefined; evaluation: PlatformEvaluation }
  | undefined;
registerClearable(() => {
  last = undefined;
});

interface TdTcbCopy {
  teeTcbSvn: Buffer;
  mrSignerSeam: Buffer;
  seamAttributes: Buffer;
}

function sameTd(a: TdTcbCopy | undefined, b: TdTcbFields | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined && b === undefined;
  return (
    a.teeTcbSvn.equals(b.teeTcbSvn) &&
    a.mrSignerSeam.equals(b.mrSignerSeam) &&
    a.seamAttributes.equals(b.seamAttributes)
  );
}

/** `evaluatePlatform` for a platform described by its PCK extensions (and TD fields, for TDX). */
export function evaluatePlatformFor(info: TcbInfo, ext: PckExtensions, td?: TdTcbFields): PlatformEvaluation {
  const l = last;
  if (l !== undefined && l.info === info && l.ext === ext && sameTd(l.td, td)) return l.evaluation;
  const evaluation = evaluateThroughMap(info, ext, td);
  const copy = td && {
    teeTcbSvn: Buffer.from(td.teeTcbSvn),
    mrSignerSeam: Buffer.from(td.mrSignerSeam),
    seamAttributes: Buffer.from(td.seamAttributes),
  };
  last = { info, ext, td: copy, evaluation };
  return evaluation;
}

function evaluateThroughMap(info: TcbInfo, ext: PckExtensions, td?: TdTcbFields): PlatformEvaluation {
  const byExt = evaluations.getOrSet(
    info,
    () => new WeakMap<PckExtensions, Map<string, PlatformEvaluation>>(),
  );
  let byTd = byExt.get(ext);
  if (byTd === undefined) {
    byTd = new Map<string, PlatformEvaluation>();
    byExt.set(ext, byTd);
  }
  const key = td
    ? `${td.teeTcbSvn.length},${td.mrSignerSeam.length},${td.seamAttributes.length}:` +
      bytesKey(td.teeTcbSvn) +
      bytesKey(td.mrSignerSeam) +
      bytesKey(td.seamAttributes)
    : "sgx";
  let evaluation = byTd.get(key);
  if (evaluation === undefined) {
    const base = { cpuSvnComponents: ext.cpuSvnComponents, pceSvn: ext.pceSvn };
    evaluation = evaluatePlatform(info, td ? { ...base, td } : base);
    if (byTd.size >= 256) byTd.clear();
    byTd.set(key, evaluation);
  }
  return evaluation;
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
