import { CocoonError } from "@cocoon/core";

/** A DCAP quote (TDX v4/v5, SGX v3) that cannot be decoded: truncated, inconsistent lengths, unknown version or type. */
export class DcapFormatError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_DCAP_FORMAT", message, { details });
    this.name = "DcapFormatError";
  }
}

/** Intel collateral (TCB info, QE identity, CRLs, issuer chains) that cannot be decoded. */
export class DcapCollateralError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_DCAP_COLLATERAL", message, { details });
    this.name = "DcapCollateralError";
  }
}

/** An Intel PCS request that failed (HTTP error, missing header, cache miss while offline). */
export class IntelPcsError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_INTEL_PCS", message, { details });
    this.name = "IntelPcsError";
  }
}
