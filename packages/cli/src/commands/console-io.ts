/**
 * What every command's logic prints through and how repeatable flags are gathered, shared by the commands so
 * each `run…` function takes its I/O as an argument (tests pass their own) and commander stays a thin layer.
 */

/** Where a command writes its output and its diagnostics. */
export interface ConsoleIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The process's own stdout and stderr. */
export const processConsole: ConsoleIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** commander argument parser for a repeatable option: each occurrence is appended to the ones before. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
