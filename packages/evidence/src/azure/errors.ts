import { CocoonError } from "@cocoon/core";

/** Azure confidential-VM evidence that cannot be decoded (HCL report, var data, evidence JSON). */
export class AzureFormatError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_AZURE_FORMAT", message, { details });
    this.name = "AzureFormatError";
  }
}
