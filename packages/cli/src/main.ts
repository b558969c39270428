#!/usr/bin/env node
/** Entry point of the `cocoon` command: run the program, map errors to exit status 2. */
import { CommanderError } from "commander";
import { buildProgram } from "./program.ts";

// A closed pipe (`cocoon … | head`) is a normal way for output to end.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every usage error exits 2, as documented.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    console.error(`cocoon: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}

await main(process.argv.slice(2));
