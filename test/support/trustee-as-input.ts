/**
 * Test support: builds the Attestation Service policy input exactly as Trustee does from a verifier's
 * parsed claims, and a `query_reference_value` host builtin backed by an in-memory reference-value map.
 *
 * Source of truth (confidential-containers/trustee @ 78962cd4, research/trustee.md §3.2–§3.3):
 * - attestation-service/src/ear_token/broker.rs `transform_claims` (≈ lines 445–499): `init_data` is removed
 *   from the TEE claims and hoisted to the top level together with `init_data_claims`; `report_data` likewise,
 *   together with `runtime_data_claims` (minus `additional-evidence` unless the token is verbose); everything
 *   left goes under the TEE's serde variant name (`snp`, `tdx`, `az-snp-vtpm`, …).
 * - broker.rs `issue` (≈ lines 168–215): the regorus extension `query_reference_value(id)` returns the RVPS
 *   value for `id`, or JSON null when the RVPS has none.
 */
import { CocoonError } from "@cocoon/core";
import type { VerifyResult } from "@cocoon/evidence";
import { Engine, fromJS, type Value } from "@cocoon/rego";

export class TrusteeInputError extends CocoonError {
  constructor(message: string) {
    super("TRUSTEE_INPUT", message);
    this.name = "TrusteeInputError";
  }
}

export interface AsInputOptions {
  /** Parsed init-data claims (Trustee `parse_init_data`); JSON null when no init-data was supplied. */
  initDataClaims?: unknown;
  /** Parsed runtime-data claims (the structured runtime data); JSON null when none. */
  runtimeDataClaims?: unknown;
  /** Trustee's `verbose_token`; when false `additional-evidence` is dropped from the runtime-data claims. */
  verbose?: boolean;
}

function hoistedString(name: string, value: unknown): string {
  // Trustee calls `.as_str().unwrap()` here: a non-string would panic the AS, so it is an error here too.
  if (typeof value !== "string")
    throw new TrusteeInputError(`claim ${name} must be a string, got ${typeof value}`);
  return value;
}

/** `transform_claims(result.claims, init_data_claims, runtime_data_claims, result.tee, verbose)`. */
export function trusteeAsInput(result: VerifyResult, options: AsInputOptions = {}): Record<string, unknown> {
  const teeClaims: Record<string, unknown> = { ...result.claims };
  const out: Record<string, unknown> = {};
  if ("init_data" in teeClaims) {
    out.init_data = hoistedString("init_data", teeClaims.init_data);
    delete teeClaims.init_data;
    out.init_data_claims = options.initDataClaims ?? null;
  }
  if ("report_data" in teeClaims) {
    out.report_data = hoistedString("report_data", teeClaims.report_data);
    delete teeClaims.report_data;
    let runtime = options.runtimeDataClaims ?? null;
    if (
      options.verbose !== true &&
      runtime !== null &&
      typeof runtime === "object" &&
      !Array.isArray(runtime)
    ) {
      const { ["additional-evidence"]: _dropped, ...rest } = runtime as Record<string, unknown>;
      runtime = rest;
    }
    out.runtime_data_claims = runtime;
  }
  out[result.tee] = teeClaims;
  return out;
}

/**
 * A fresh engine per evaluation (Trustee deps/policy-engine/src/policy/rego.rs: policy added, no data document)
 * with `query_reference_value` answering from `refs`, null for unknown ids as broker.rs does.
 */
export function trusteeAsEngine(
  policyName: string,
  policyText: string,
  refs: Record<string, unknown>,
): Engine {
  const engine = new Engine({ version: "v1" });
  engine.addPolicy(policyName, policyText);
  engine.addBuiltin(
    "query_reference_value",
    (id: Value) => {
      if (typeof id !== "string")
        throw new TrusteeInputError("query_reference_value parameter must be a string");
      return fromJS(Object.hasOwn(refs, id) ? refs[id] : null);
    },
    1,
  );
  return engine;
}
