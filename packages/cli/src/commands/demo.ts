/**
 * `cocoon demo` (what `npm start` runs). The end-to-end demo arrives with the trust services and the
 * pod runner; until then it says plainly what works today and how to try it.
 */
import type { Command } from "commander";

const TODAY = `Cocoon — confidential containers, end to end, in TypeScript.

The end-to-end demo (trust services + a simulated confidential pod) is not built yet.
What works today:

  npx cocoon evidence verify FILE [--tee snp|tdx|sgx|az-snp-vtpm|az-tdx-vtpm|tpm|sample] [--json]
      verify real SEV-SNP / TDX / SGX / Azure vTPM evidence
  npx cocoon evidence simulate --tee snp|tdx -o FILE
      produce simulated evidence in the real binary formats
  npx cocoon rego eval -d POLICY.rego -i INPUT.json 'data.pkg.rule'
      evaluate Rego with Cocoon's TypeScript engine
  npm test
      the whole test suite (type-check, lint, unit, conformance)
`;

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the end-to-end demo (prints what works today until it exists)")
    .action(() => {
      process.stdout.write(TODAY);
    });
}
