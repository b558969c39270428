/** Test support: a ConsoleIo that keeps what a command printed, so tests assert on it. */
import type { ConsoleIo } from "./console-io.ts";

export interface CapturedConsole extends ConsoleIo {
  /** Everything written to stdout so far. */
  out: string;
  /** Everything written to stderr so far. */
  err: string;
}

/**
 * A fresh capture. Its stdout/stderr write into this same object, so it can be spread into or extended with a
 * command's other I/O (readFile, writeFile) and still be read afterwards.
 */
export function captureConsole(): CapturedConsole {
  const captured: CapturedConsole = {
    out: "",
    err: "",
    stdout: (text) => {
      captured.out += text;
    },
    stderr: (text) => {
      captured.err += text;
    },
  };
  return captured;
}
