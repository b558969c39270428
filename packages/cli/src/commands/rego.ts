/**
 * `cocoon rego eval [-d FILE]… [-i INPUT.json] [--data DATA.json] [--v0] [--strict] QUERY` prints what
 * `opa eval --format json` prints (`{"result":[{"expressions":[…],"bindings":{…}}]}`, `{}` when the
 * query is undefined); errors go to stderr with exit 2.
 * `cocoon rego conformance DIR` runs OPA's conformance suite and prints one line per folder and a total.
 * The logic is in `runRegoEval` / `runRegoConformance` over injected I/O; commander only parses flags.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { errorMessage } from "@cocoon/core";
import { Engine, RegoError, runConformance } from "@cocoon/rego";
import { collect, processConsole, type ConsoleIo } from "./console-io.ts";

export interface RegoEvalArgs {
  query: string;
  /** Policy (.rego) and data (.json) files, as `opa eval -d`. */
  files?: string[];
  input?: string;
  data?: string[];
  v0?: boolean;
  strict?: boolean;
}

export interface RegoIo extends ConsoleIo {
  readFile: (file: string) => Promise<string>;
}

export const nodeRegoIo: RegoIo = {
  ...processConsole,
  readFile: (file) => readFile(file, "utf8"),
};

/** JSON text with 2-space indentation as `opa eval` prints it; big integers stay exact. */
export function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `__BIGINT__${x}` : x), 2).replace(
    /"__BIGINT__(-?\d+)"/g,
    "$1",
  );
}

export async function runRegoEval(args: RegoEvalArgs, io: RegoIo): Promise<number> {
  try {
    const engine = new Engine({ version: args.v0 ? "v0" : "v1", strict: args.strict === true });
    for (const file of args.files ?? []) {
      const text = await io.readFile(file);
      if (file.endsWith(".json")) engine.addDataJSON(text);
      else engine.addPolicy(file, text);
    }
    for (const file of args.data ?? []) engine.addDataJSON(await io.readFile(file));
    if (args.input !== undefined) engine.setInputJSON(await io.readFile(args.input));
    const out = engine.evalQuery(args.query);
    io.stdout(jsonText(out.result.length === 0 ? {} : out) + "\n");
    return 0;
  } catch (e) {
    if (e instanceof RegoError) io.stderr(`${e.message}\n`);
    else io.stderr(`error: ${errorMessage(e)}\n`);
    return 2;
  }
}

export interface RegoConformanceArgs {
  dir: string;
  trees?: ("v0" | "v1")[];
  folders?: string[];
}

export function runRegoConformance(args: RegoConformanceArgs, io: RegoIo): number {
  try {
    const report = runConformance({ root: args.dir, trees: args.trees, dirs: args.folders });
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const f of report.folders) {
      io.stdout(`${f.tree}/${f.folder}: ${f.passed} passed, ${f.failed} failed, ${f.skipped} skipped\n`);
      passed += f.passed;
      failed += f.failed;
      skipped += f.skipped;
    }
    io.stdout(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    return failed === 0 ? 0 : 1;
  } catch (e) {
    io.stderr(`error: ${errorMessage(e)}\n`);
    return 2;
  }
}

export function registerRego(program: Command): void {
  const rego = program.command("rego").description("evaluate Rego policies with Cocoon's engine");
  rego
    .command("eval")
    .description("evaluate a query; prints the same JSON as `opa eval --format json`")
    .argument("<query>", "Rego query, e.g. data.pkg.allow")
    .option("-d, --file <file>", "policy (.rego) or data (.json) file; repeatable", collect)
    .option("-i, --input <file>", "input JSON file")
    .option("--data <file>", "data JSON file; repeatable", collect)
    .option("--v0", "parse policies and query as Rego v0")
    .option("--strict", "strict builtin errors")
    .action(
      async (
        query: string,
        opts: { file?: string[]; input?: string; data?: string[]; v0?: boolean; strict?: boolean },
      ) => {
        const code = await runRegoEval(
          { query, files: opts.file, input: opts.input, data: opts.data, v0: opts.v0, strict: opts.strict },
          nodeRegoIo,
        );
        process.exitCode = code;
      },
    );
  rego
    .command("conformance")
    .description("run OPA's conformance suite (a directory holding v0/ and v1/)")
    .argument("<dir>", "suite root")
    .option("--tree <tree>", "v0 or v1 (default both)", collect)
    .option("--folder <name>", "only this folder; repeatable", collect)
    .action((dir: string, opts: { tree?: string[]; folder?: string[] }) => {
      process.exitCode = runRegoConformance(
        { dir, trees: opts.tree as ("v0" | "v1")[] | undefined, folders: opts.folder },
        nodeRegoIo,
      );
    });
}
