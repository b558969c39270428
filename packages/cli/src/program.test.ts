import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));

function cocoon(...args: string[]) {
  return spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });
}

test("an unknown command is a usage error: exit 2 with a message", () => {
  const result = cocoon("no-such-command");
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown command/);
});

test("--help exits 0 and lists the commands", () => {
  const result = cocoon("--help");
  assert.equal(result.status, 0);
  assert.match(result.stdout, /demo/);
});
