/**
 * `cocoon evidence verify FILE` — detect the TEE (unless told), verify, print the decoded claims and every check.
 * Exit status: 0 valid, 1 invalid evidence, 2 unreadable input or bad usage. `--json` prints one JSON object
 * {valid, tee, claims, tcbStatus, failures:[{check, expected, actual}], checks, simulated?, advisoryIds?}.
 * The logic is `runEvidenceVerify(args, io)`, a plain function over injected I/O; commander only parses flags.
 */
import { readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { CocoonError, errorMessage, fromHex, toHex } from "@cocoon/core";
import {
  collateralFromQvlJson,
  detectTee,
  isTeeType,
  verifyEvidence,
  TEE_TYPES,
  type TeeType,
  type TrustAnchors,
  type VerifyEvidenceOptions,
  type VerifyResult,
} from "@cocoon/evidence";
import { collect, processConsole, type ConsoleIo } from "./console-io.ts";

export interface EvidenceVerifyArgs {
  file: string;
  /** A TeeType or "sim" (simulator evidence, verified against the simulator's roots only). */
  tee?: string;
  cert?: string[];
  collateral?: string;
  reportData?: string;
  at?: string;
  json?: boolean;
  /** Simulator state directory for `--tee sim` (default ~/.cocoon/simulator). */
  simState?: string;
}

export interface EvidenceVerifyIo extends ConsoleIo {
  readFile: (file: string) => Promise<Uint8Array>;
}

export const nodeIo: EvidenceVerifyIo = {
  ...processConsole,
  readFile: async (file) => new Uint8Array(await readFile(file)),
};

/** Bad usage or unreadable input: exit 2 with this message. */
class UsageError extends CocoonError {
  constructor(message: string) {
    super("ERR_USAGE", message);
    this.name = "UsageError";
  }
}

const DCAP_TEES: readonly TeeType[] = ["tdx", "sgx", "az-tdx-vtpm"];

function parseAt(at: string): Date {
  // ISO-8601 only: a date, or a date-time with an optional zone (Date.parse alone accepts far more).
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(at)) {
    throw new UsageError(`--at ${JSON.stringify(at)} is not an ISO-8601 date or date-time`);
  }
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--at ${JSON.stringify(at)} is not a valid date`);
  return date;
}

async function readInput(io: EvidenceVerifyIo, file: string, what: string): Promise<Uint8Array> {
  try {
    return await io.readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${errorMessage(error)}`);
  }
}

/** Collateral by TEE: Intel DCAP collateral JSON (dcap-qvl layout) for TDX/SGX, AMD CRLs for SNP. */
function collateralFor(tee: TeeType, bytes: Uint8Array, file: string): unknown {
  if (DCAP_TEES.includes(tee)) {
    try {
      return collateralFromQvlJson(new TextDecoder().decode(bytes));
    } catch (error) {
      throw new UsageError(`--collateral ${file} is not DCAP collateral JSON: ${errorMessage(error)}`);
    }
  }
  if (tee === "snp" || tee === "az-snp-vtpm") return { crls: [bytes] };
  throw new UsageError(`--collateral does not apply to ${tee} evidence`);
}

/**
 * Trust anchors and certificates of an existing simulator state directory, for `--tee sim`: the ARK of each
 * product line present (plus its ASK and the VCEKs issued so far, layout documented in simulator state.ts) and
 * the Intel root when the Intel hierarchy exists. Nothing is created: verifying must not mint new roots.
 */
async function simulatorTrust(
  stateDir: string,
): Promise<{ trust: TrustAnchors; certificates: Uint8Array[] }> {
  const marker = await stat(path.join(stateDir, "state.json")).catch(() => undefined);
  if (marker === undefined) throw new UsageError(`no simulator state in ${stateDir} (state.json missing)`);
  // Loaded only for `--tee sim`: verifying real evidence never depends on the simulator package.
  const { Simulator } = await import("@cocoon/simulator");
  const sim = await Simulator.open({ stateDir });
  // Simulator roots only (genuineRoots: false), so genuine evidence fails here; reads what exists, creates nothing.
  return { trust: await sim.existingTrustAnchors(), certificates: await sim.issuedCertificates() };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  return value;
}

function claimLines(claims: Record<string, unknown>, prefix = ""): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(claims)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (
      typeof value === "object" &&
      value !== null &&
      !Array.isArray(value) &&
      !(value instanceof Uint8Array)
    ) {
      lines.push(...claimLines(value as Record<string, unknown>, name));
    } else {
      const text = typeof value === "string" ? value : JSON.stringify(value, jsonReplacer);
      lines.push(`  ${name}: ${text}`);
    }
  }
  return lines;
}

function humanReport(file: string, result: VerifyResult, detected: boolean): string {
  const lines = [
    `evidence:   ${file}`,
    `tee:        ${result.tee}${detected ? " (detected)" : ""}`,
    `result:     ${result.valid ? "VALID" : `INVALID (${result.failures.length} failed check${result.failures.length === 1 ? "" : "s"})`}`,
  ];
  if (result.tcbStatus !== undefined) lines.push(`tcb status: ${result.tcbStatus}`);
  if (result.advisoryIds?.length) lines.push(`advisories: ${result.advisoryIds.join(", ")}`);
  if (result.simulated) lines.push("simulated:  yes — development evidence, never acceptable in production");
  lines.push("", "checks:");
  for (const check of result.checks) {
    lines.push(`  ${check.ok ? "pass" : "FAIL"}  ${check.check}${check.detail ? ` — ${check.detail}` : ""}`);
  }
  if (result.failures.length > 0) {
    lines.push("", "failures:");
    for (const f of result.failures) lines.push(`  ${f.check}: expected ${f.expected}; got ${f.actual}`);
  }
  lines.push("", "claims:", ...claimLines(result.claims));
  return lines.join("\n") + "\n";
}

async function verify(
  args: EvidenceVerifyArgs,
  io: EvidenceVerifyIo,
): Promise<{ result: VerifyResult; detected: boolean }> {
  const sim = args.tee === "sim";
  if (args.tee !== undefined && !sim && !isTeeType(args.tee)) {
    throw new UsageError(
      `--tee must be one of ${[...TEE_TYPES, "sim"].join(", ")}; got ${JSON.stringify(args.tee)}`,
    );
  }
  const bytes = await readInput(io, args.file, "evidence file");
  const tee: TeeType = args.tee !== undefined && !sim ? (args.tee as TeeType) : detectTee(bytes);
  const options: VerifyEvidenceOptions = { tee };
  const certificates: Uint8Array[] = [];
  for (const file of args.cert ?? []) certificates.push(await readInput(io, file, "certificate"));
  if (args.collateral !== undefined) {
    options.collateral = collateralFor(
      tee,
      await readInput(io, args.collateral, "collateral"),
      args.collateral,
    );
  }
  if (args.reportData !== undefined) {
    try {
      options.expectedReportData = fromHex(args.reportData, "--report-data");
    } catch (error) {
      throw new UsageError(errorMessage(error));
    }
  }
  if (args.at !== undefined) options.now = parseAt(args.at);
  if (sim) {
    const simulated = await simulatorTrust(args.simState ?? path.join(os.homedir(), ".cocoon", "simulator"));
    options.trust = simulated.trust;
    certificates.push(...simulated.certificates);
  }
  if (certificates.length > 0) options.certificates = certificates;
  const result = verifyEvidence(bytes, options);
  if (sim) result.simulated = true;
  return { result, detected: args.tee === undefined || sim };
}

/** Runs `cocoon evidence verify`; returns the exit status (0 valid, 1 invalid, 2 unreadable input / bad usage). */
export async function runEvidenceVerify(
  args: EvidenceVerifyArgs,
  io: EvidenceVerifyIo = nodeIo,
): Promise<number> {
  let outcome: { result: VerifyResult; detected: boolean };
  try {
    outcome = await verify(args, io);
  } catch (error) {
    const code = error instanceof CocoonError ? error.code : "ERR_UNEXPECTED";
    if (args.json)
      io.stdout(JSON.stringify({ valid: false, error: { code, message: errorMessage(error) } }) + "\n");
    io.stderr(`cocoon evidence verify: ${errorMessage(error)}\n`);
    return 2;
  }
  const { result, detected } = outcome;
  if (args.json) {
    const out: Record<string, unknown> = {
      valid: result.valid,
      tee: result.tee,
      claims: result.claims,
      tcbStatus: result.tcbStatus ?? null,
      failures: result.failures,
      checks: result.checks,
    };
    if (result.simulated !== undefined) out["simulated"] = result.simulated;
    if (result.advisoryIds !== undefined) out["advisoryIds"] = result.advisoryIds;
    io.stdout(JSON.stringify(out, jsonReplacer) + "\n");
  } else {
    io.stdout(humanReport(args.file, result, detected));
  }
  return result.valid ? 0 : 1;
}

/** Registers `verify` on the `cocoon evidence` command group. */
export function registerEvidenceVerify(evidence: Command): void {
  evidence
    .command("verify")
    .description(
      "verify TEE evidence (SNP, TDX, SGX, Azure vTPM, TPM, sample, simulator) and print claims and checks",
    )
    .argument("<file>", "evidence file: raw report/quote or Trustee evidence JSON")
    .option("--tee <tee>", `the TEE (${[...TEE_TYPES, "sim"].join("|")}); detected when absent`)
    .option(
      "--cert <file>",
      "a certificate (PEM or DER: VCEK/VLEK/ASK/ARK, or a TPM AK public key); repeatable",
      collect,
      [],
    )
    .option("--collateral <file>", "Intel DCAP collateral JSON (TDX/SGX) or an AMD CRL (SNP)")
    .option("--report-data <hex>", "the expected REPORT_DATA / nonce, hex")
    .option("--at <iso8601>", "verify as of this time instead of now")
    .option("--sim-state <dir>", "simulator state directory for --tee sim (default ~/.cocoon/simulator)")
    .option("--json", "print one JSON object instead of text")
    .action(async (file: string, opts: Omit<EvidenceVerifyArgs, "file">) => {
      process.exitCode = await runEvidenceVerify({ file, ...opts });
    });
}
