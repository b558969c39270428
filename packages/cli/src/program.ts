/**
 * `cocoon` — the command line. Thin by design: it parses flags, calls the packages, prints.
 * Each command group lives in commands/<group>.ts and registers itself on the program.
 */
import { Command } from "commander";
import { registerDemo } from "./commands/demo.ts";
import { registerEvidenceSimulate } from "./commands/evidence-simulate.ts";
import { registerEvidenceVerify } from "./commands/evidence-verify.ts";
import { registerRego } from "./commands/rego.ts";

export function buildProgram(): Command {
  const program = new Command("cocoon")
    .description("Confidential containers, end to end: evidence, policies, trust services")
    .exitOverride()
    .showHelpAfterError();
  registerDemo(program);
  const evidence = program.command("evidence").description("verify and simulate TEE evidence");
  registerEvidenceVerify(evidence);
  registerEvidenceSimulate(evidence);
  registerRego(program);
  return program;
}
