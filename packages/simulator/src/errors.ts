/**
 * Typed errors of the simulator. Callers (the CLI, the pod runner) branch on `code`:
 * ERR_SIMULATOR_INPUT is the caller's mistake (bad hex, wrong length, out-of-range value: a usage error),
 * ERR_SIMULATOR_STATE is an unreadable or inconsistent state directory, ERR_TSM is a configfs-tsm misuse.
 */
import { CocoonError } from "@cocoon/core";

export class SimulatorInputError extends CocoonError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("ERR_SIMULATOR_INPUT", message, { details });
    this.name = "SimulatorInputError";
  }
}

export class SimulatorStateError extends CocoonError {
  constructor(message: string, cause?: unknown) {
    super("ERR_SIMULATOR_STATE", message, { cause });
    this.name = "SimulatorStateError";
  }
}

/** A configfs-tsm report directory was used the way the kernel would refuse (e.g. EINVAL, EBUSY). */
export class TsmReportError extends CocoonError {
  /** The errno name the kernel would have returned (EINVAL, ENXIO, EBUSY…), when there is one. */
  readonly errno: string | undefined;

  constructor(message: string, errno?: string, cause?: unknown) {
    super("ERR_TSM", message, { cause, details: errno === undefined ? undefined : { errno } });
    this.name = "TsmReportError";
    this.errno = errno;
  }
}
