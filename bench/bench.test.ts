/**
 * The benchmarks run in smoke mode, so they cannot rot: each must finish, verify its own inputs and print
 * its figures. No timing is asserted (figures live in BENCHMARKS.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

function smoke(script: string): string {
  const file = fileURLToPath(new URL(script, import.meta.url));
  return execFileSync(process.execPath, [file, "--smoke"], { encoding: "utf8", timeout: 120_000 });
}

test("bench/evidence.ts prints SNP and TDX rates beside the raw node:crypto limit", () => {
  const out = smoke("./evidence.ts");
  for (const name of ["SNP", "TDX", "SNP fresh", "TDX fresh"]) {
    assert.match(out, new RegExp(`^${name} +full verification +\\d+/s .* ratio \\d+\\.\\d%$`, "m"), name);
  }
});

test("bench/rego.ts prints compile, Kata, ACI and conformance figures", () => {
  const out = smoke("./rego.ts");
  for (const line of [
    /kata parse\+compile/,
    /kata CreateContainerRequest .*median .*p99/,
    /aci mount_overlay/,
    /conformance/,
  ]) {
    assert.match(out, line);
  }
});
