// `npm test`: type-check, lint, format check, then every *.test.ts under packages/ with node:test.
// System tools the tests need (swtpm, tpm2-tools) are installed first by scripts/system-deps.sh.
import { spawnSync } from "node:child_process";

function step(title: string, command: string, args: string[]): void {
  console.log(`\n== ${title}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const only = process.argv.slice(2);
if (only.length === 0) {
  step("type-check", "tsc", ["--noEmit", "-p", "."]);
  step("lint", "eslint", ["."]);
  step("format", "prettier", ["--check", "--log-level", "warn", "."]);
  step("system tools", "bash", ["scripts/system-deps.sh"]);
}
step("tests", process.execPath, [
  "--test",
  "--test-reporter=spec",
  "--test-concurrency=2",
  ...(only.length > 0 ? only : ["packages/*/src/**/*.test.ts", "bench/**/*.test.ts", "test/**/*.test.ts"]),
]);
