/**
 * Every error Cocoon raises on purpose carries a stable, machine-readable `code`
 * (in the style of panva/jose): callers branch on the code, people read the message.
 */
export class CocoonError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CocoonError";
    this.code = code;
    this.details = options?.details;
  }
}

/** Input that could not be read or decoded at all (bad hex, truncated PEM, wrong type…). */
export class InvalidInputError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_INVALID_INPUT", message, { details });
    this.name = "InvalidInputError";
  }
}

export function isCocoonError(value: unknown): value is CocoonError {
  return value instanceof CocoonError;
}

/** A human-readable message for anything thrown, without leaking stack traces. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
