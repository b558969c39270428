/** Test support: one throw-away simulator state directory per test file, removed when the process exits. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Simulator } from "../simulator.ts";

export function tempDir(prefix = "cocoon-sim-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let shared: Promise<Simulator> | undefined;

/** A simulator on a fresh state directory, shared by the tests of one file (key generation is the slow part). */
export function sharedSimulator(): Promise<Simulator> {
  shared ??= Simulator.open({ stateDir: path.join(tempDir(), "state") });
  return shared;
}
