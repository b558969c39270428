/**
 * `cocoon evidence simulate`: write simulated evidence in the real binary formats, plus what a verifier needs.
 *
 *   FILE                  the SEV-SNP report (1184 bytes) or the TDX quote (DCAP v4), raw binary
 *   FILE.certs.pem        SNP: VCEK (or VLEK), ASK (or ASVK), ARK; TDX: PCK leaf, PCK Platform CA, root (PEM, leaf first)
 *   FILE.collateral.json  TDX only: TCB info, QE identity and CRLs in dcap-qvl's QuoteCollateralV3 JSON
 *
 * The simulated roots live in the state directory (--state, default ~/.cocoon/simulator); a verifier accepts
 * the evidence only when told to trust them (Simulator#trustAnchors / simulatedTrustAnchors).
 * Exit status: 0 written, 2 usage error (bad --tee, hex, length), 1 anything else (state dir, file system).
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { encodePem, errorMessage, fromHex, InvalidInputError, isCocoonError } from "@cocoon/core";
import {
  collateralToQvlJson,
  defaultStateDir,
  parseProduct,
  planSnpReport,
  planTdxQuote,
  Simulator,
  SimulatorInputError,
  type SimulatedSnpOptions,
  type SnpReportVersion,
  type TdxQuoteOptions,
} from "@cocoon/simulator";
import { processConsole, type ConsoleIo } from "./console-io.ts";

export interface EvidenceSimulateArgs {
  tee?: string;
  measurement?: string;
  hostData?: string;
  reportData?: string;
  debug?: boolean;
  state?: string;
  output?: string;
  product?: string;
  reportVersion?: string;
  signer?: string;
}

export interface EvidenceSimulateIo extends ConsoleIo {
  writeFile(file: string, data: Uint8Array | string): Promise<void>;
}

export const processIo: EvidenceSimulateIo = {
  ...processConsole,
  writeFile: (file, data) => writeFile(file, data),
};

function hexOption(name: string, value: string | undefined): Uint8Array | undefined {
  return value === undefined ? undefined : new Uint8Array(fromHex(value, `--${name}`));
}

function pemChain(ders: Uint8Array[]): string {
  return ders.map((der) => encodePem("CERTIFICATE", der)).join("");
}

async function simulate(args: EvidenceSimulateArgs, io: EvidenceSimulateIo): Promise<string[]> {
  if (args.tee !== "snp" && args.tee !== "tdx") {
    throw new SimulatorInputError(`--tee must be snp or tdx, got ${JSON.stringify(args.tee ?? "")}`);
  }
  if (!args.output) throw new SimulatorInputError("-o FILE is required");
  const out = args.output;
  const measurement = hexOption("measurement", args.measurement);
  const hostData = hexOption("host-data", args.hostData);
  const reportData = hexOption("report-data", args.reportData);
  const version = args.reportVersion === undefined ? undefined : Number(args.reportVersion);
  // Everything is checked before the state directory is touched, so a typo never mints keys.
  if (args.tee === "snp") {
    if (version !== undefined && ![2, 3, 4, 5].includes(version)) {
      throw new SimulatorInputError(
        `--report-version for SNP must be 2, 3, 4 or 5, got ${args.reportVersion}`,
      );
    }
    const signer = args.signer?.toUpperCase();
    if (signer !== undefined && signer !== "VCEK" && signer !== "VLEK") {
      throw new SimulatorInputError(`--signer must be VCEK or VLEK, got ${args.signer}`);
    }
    const product = args.product === undefined ? undefined : parseProduct(args.product);
    const options: SimulatedSnpOptions = {
      ...(signer ? { signer } : {}),
      ...(product ? { product } : {}),
      ...(version !== undefined ? { version: version as SnpReportVersion } : {}),
      ...(measurement ? { measurement } : {}),
      ...(hostData ? { hostData } : {}),
      ...(reportData ? { reportData } : {}),
      debug: args.debug === true,
    };
    planSnpReport(product ?? "Milan", options); // lengths and values, before the state directory is opened
    const simulator = await Simulator.open({ stateDir: args.state ?? defaultStateDir() });
    const report = await simulator.snpReport(options);
    await io.writeFile(out, report.report);
    await io.writeFile(`${out}.certs.pem`, pemChain([report.leaf, report.intermediate, report.ark]));
    return [out, `${out}.certs.pem`];
  }
  if (args.product !== undefined || args.signer !== undefined) {
    throw new SimulatorInputError("--product and --signer apply to --tee snp only");
  }
  if (version !== undefined && version !== 4 && version !== 5) {
    throw new SimulatorInputError(
      `--report-version for TDX (the quote version) must be 4 or 5, got ${args.reportVersion}`,
    );
  }
  const options: TdxQuoteOptions = {
    ...(version !== undefined ? { version: version as 4 | 5 } : {}),
    ...(measurement ? { mrTd: measurement } : {}),
    ...(hostData ? { mrConfigId: hostData } : {}),
    ...(reportData ? { reportData } : {}),
    debug: args.debug === true,
  };
  planTdxQuote(options); // lengths and values, before the state directory is opened
  const simulator = await Simulator.open({ stateDir: args.state ?? defaultStateDir() });
  const quote = await simulator.tdxQuote(options);
  await io.writeFile(out, quote.quote);
  await io.writeFile(`${out}.certs.pem`, quote.pckChainPem);
  await io.writeFile(`${out}.collateral.json`, collateralToQvlJson(quote.collateral));
  return [out, `${out}.certs.pem`, `${out}.collateral.json`];
}

/** The command's logic, free of commander and process globals: returns the exit status. */
export async function runEvidenceSimulate(
  args: EvidenceSimulateArgs,
  io: EvidenceSimulateIo = processIo,
): Promise<number> {
  try {
    const written = await simulate(args, io);
    io.stdout(
      `SIMULATED ${args.tee === "snp" ? "SEV-SNP report" : "TDX quote"} (not from TEE hardware; verifies only against ` +
        `the simulated roots in ${args.state ?? defaultStateDir()}):\n` +
        written.map((file) => `  ${file}\n`).join(""),
    );
    return 0;
  } catch (error) {
    const usage = error instanceof SimulatorInputError || error instanceof InvalidInputError;
    const message = errorMessage(error);
    io.stderr(`cocoon evidence simulate: ${message}${isCocoonError(error) ? ` [${error.code}]` : ""}\n`);
    return usage ? 2 : 1;
  }
}

export function registerEvidenceSimulate(evidence: Command, io: EvidenceSimulateIo = processIo): void {
  evidence
    .command("simulate")
    .description(
      "write simulated SEV-SNP or TDX evidence (real formats, simulated vendor roots) and its certificates",
    )
    .requiredOption("--tee <tee>", "snp or tdx")
    .option("--measurement <hex>", "SNP MEASUREMENT (48 bytes) or TDX MRTD (48 bytes)")
    .option("--host-data <hex>", "SNP HOST_DATA (32 bytes) or TDX MRCONFIGID (48 bytes)")
    .option("--report-data <hex>", "REPORT_DATA, up to 64 bytes (zero-padded)")
    .option("--debug", "simulate a debuggable guest (SNP POLICY.DEBUG / TD_ATTRIBUTES.DEBUG)")
    .option("--product <name>", "SNP product line: Milan (default), Genoa or Turin")
    .option(
      "--report-version <n>",
      "SNP report version 2..5 (default 5); TDX quote version 4 or 5 (default 4)",
    )
    .option("--signer <key>", "SNP signing key: VCEK (default, chip-specific) or VLEK (cloud-provider key)")
    .option("--state <dir>", "simulator state directory (keys and roots)", defaultStateDir())
    .requiredOption(
      "-o, --output <file>",
      "evidence file; FILE.certs.pem (and FILE.collateral.json for TDX) beside it",
    )
    .action(async (options: EvidenceSimulateArgs) => {
      process.exitCode = await runEvidenceSimulate(options, io);
    });
}
