import { CocoonError } from "@cocoon/core";

/** TPM 2.0 structure that cannot be decoded (truncated, absurd size field, unknown algorithm, trailing bytes). */
export class TpmFormatError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_TPM_FORMAT", message, { details });
    this.name = "TpmFormatError";
  }
}
