/**
 * Trustee's `sample` TEE (development only; guest-components attester/src/sample, trustee
 * deps/verifier/src/sample/mod.rs @78962cd): evidence `{"svn":"<string>","report_data":"<standard base64>"}`.
 * Nothing is signed, so the result is always marked simulated; the only check is that report_data equals the
 * verifier's expected value. Claims are exactly Trustee's `parse_tee_evidence`.
 */
import { fromBase64, toBase64, toHex, CocoonError, InvalidInputError } from "@cocoon/core";
import { CheckLog, type VerifyOptions, type VerifyResult, type Claims } from "../types.ts";

export class SampleFormatError extends CocoonError {
  constructor(message: string) {
    super("ERR_SAMPLE_FORMAT", message);
    this.name = "SampleFormatError";
  }
}

export interface SampleEvidence {
  svn: string;
  /** As sent (standard base64); Trustee's serde default is the empty string. */
  reportData: string;
}

export interface SampleVerifyOptions extends VerifyOptions {
  /** Trustee adds the expected init-data hash (base64) to the claims without checking anything. */
  expectedInitDataHash?: Uint8Array;
}

export function parseSampleEvidence(json: unknown): SampleEvidence {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SampleFormatError("sample evidence must be a JSON object");
  }
  const obj = json as Record<string, unknown>;
  if (typeof obj["svn"] !== "string") throw new SampleFormatError('sample evidence needs a string "svn"');
  const reportData = obj["report_data"] ?? "";
  if (typeof reportData !== "string")
    throw new SampleFormatError('sample evidence "report_data" must be a string');
  return { svn: obj["svn"], reportData };
}

export function verifySampleEvidence(
  evidence: SampleEvidence,
  options: SampleVerifyOptions = {},
): VerifyResult {
  const log = new CheckLog();
  log.pass("sample.signature", "none: sample evidence is unsigned (development only)");
  if (options.expectedReportData === undefined) {
    log.pass("sample.report_data", "no expected report data given");
  } else {
    let actual: Uint8Array | undefined;
    try {
      actual = fromBase64(evidence.reportData, "report_data");
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
    }
    log.expect(
      "sample.report_data",
      actual !== undefined && Buffer.from(actual).equals(Buffer.from(options.expectedReportData)),
      toHex(options.expectedReportData),
      actual === undefined ? "report_data is not base64" : toHex(actual),
    );
  }
  const claims: Claims = {
    svn: evidence.svn,
    report_data: evidence.reportData,
    launch_digest: "abcde",
    platform_version: { major: 1, minor: 4 },
    debug: false,
  };
  if (options.expectedInitDataHash !== undefined)
    claims["init_data"] = toBase64(options.expectedInitDataHash);
  return {
    tee: "sample",
    valid: log.failures.length === 0,
    claims,
    checks: log.checks,
    failures: log.failures,
    simulated: true,
  };
}
