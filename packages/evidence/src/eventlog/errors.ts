import { CocoonError } from "@cocoon/core";

/**
 * A CC event log (CCEL / TCG2 crypto-agile) that cannot be decoded. `details.offset` is the byte
 * offset in the log where the problem was found and `details.field` names the structure field.
 */
export class EventLogFormatError extends CocoonError {
  constructor(message: string, details: { offset: number; field: string } & Record<string, unknown>) {
    super("ERR_EVENTLOG_FORMAT", `${message} (field ${details.field} at offset ${details.offset})`, {
      details,
    });
    this.name = "EventLogFormatError";
  }
}
