/**
 * Test support: where the shared vectors live. Tests read them in place from `../shared/vectors/`
 * beside the repository (never copied in). COCOON_VECTORS overrides the location.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export const vectorsDir = process.env.COCOON_VECTORS ?? path.resolve(repoRoot, "../shared/vectors");

/** Absolute path of a file under the shared vectors. */
export function vectorPath(...parts: string[]): string {
  return path.join(vectorsDir, ...parts);
}

export function haveVectors(): boolean {
  return existsSync(vectorsDir);
}

export { repoRoot };
