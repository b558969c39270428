import { CocoonError } from "@cocoon/core";

/** SEV-SNP input that cannot be decoded at all (wrong size, unsupported version, unreadable JSON or certificate). */
export class SnpFormatError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_SNP_FORMAT", message, { details });
    this.name = "SnpFormatError";
  }
}
