/**
 * The simulator's state directory (default ~/.cocoon/simulator). Every key is generated on first use and kept
 * here; opening the directory again reuses the same keys, so trust anchors exported once stay valid.
 *
 * Layout (all files written atomically, keys and secrets mode 0600, directories 0700):
 *   state.json                           format marker
 *   amd/<Product>/ca/ark.der ark.key ask.der ask.key chip-secret   one simulated chip per product line
 *   amd/<Product>/vcek/<tcb hex>.der     VCEKs issued so far (the key itself is derived, never stored)
 *   amd/<Product>/vlek-ca/asvk.der asvk.key csp-secret, amd/<Product>/vlek/<tcb hex>.der   the same for VLEKs
 *   intel/ca/root.der root.key pck-ca.der pck-ca.key tcb-signing.der tcb-signing.key attestation.key platform-secret
 *   intel/pck/<fmspc>-<cpusvn>-<pcesvn>.der  PCK certificates issued so far (key derived, never stored)
 */
import { mkdir, readFile, rename, rm, writeFile, mkdtemp, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SimulatorStateError } from "./errors.ts";

export const STATE_FORMAT = "cocoon-simulator-state";
export const STATE_VERSION = 1;

export function defaultStateDir(): string {
  return path.join(os.homedir(), ".cocoon", "simulator");
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === "object" && error !== null && codes.includes((error as { code?: string }).code ?? "")
  );
}

export class StateDir {
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /** Open (creating if needed) a state directory; refuses a directory that belongs to something else. */
  static async open(root: string): Promise<StateDir> {
    const dir = new StateDir(path.resolve(root));
    let entries: string[];
    try {
      await mkdir(dir.root, { recursive: true, mode: 0o700 });
      // Another process may be writing the marker right now (state.json.tmp-…): that is ours too.
      entries = (await readdir(dir.root)).filter((name) => !name.startsWith("state.json"));
    } catch (error) {
      throw new SimulatorStateError(`cannot use ${dir.root} as the simulator state directory`, error);
    }
    const markerPath = path.join(dir.root, "state.json");
    const marker = await dir.readOptional("state.json");
    if (marker === undefined) {
      if (entries.length > 0) {
        throw new SimulatorStateError(
          `${dir.root} is not empty and has no state.json: not a simulator state directory`,
        );
      }
      await dir.writeAtomic(
        "state.json",
        Buffer.from(JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION }) + "\n"),
      );
      return dir;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(marker).toString("utf8"));
    } catch (error) {
      throw new SimulatorStateError(`${markerPath} is not JSON`, error);
    }
    const p = parsed as { format?: unknown; version?: unknown };
    if (p.format !== STATE_FORMAT || p.version !== STATE_VERSION) {
      throw new SimulatorStateError(
        `${markerPath} is not a version ${STATE_VERSION} ${STATE_FORMAT} marker (found ${JSON.stringify(parsed)})`,
      );
    }
    return dir;
  }

  path(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }

  async readOptional(rel: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(rel)));
    } catch (error) {
      if (isErrno(error, "ENOENT")) return undefined;
      throw new SimulatorStateError(`cannot read ${this.path(rel)}`, error);
    }
  }

  /** Names of the finished `.der` files in a state subdirectory (none when it does not exist). */
  async list(rel: string): Promise<string[]> {
    try {
      return (await readdir(this.path(rel))).filter((name) => name.endsWith(".der")).sort();
    } catch (error) {
      if (isErrno(error, "ENOENT")) return [];
      throw new SimulatorStateError(`cannot list ${this.path(rel)}`, error);
    }
  }

  /** Write through a temporary file and rename, so a reader never sees half a key or certificate. */
  async writeAtomic(rel: string, data: Uint8Array, mode = 0o600): Promise<void> {
    const target = this.path(rel);
    const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await writeFile(tmp, data, { mode });
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new SimulatorStateError(`cannot write ${target}`, error);
    }
  }

  /**
   * A group of files that belong together (a key and the certificate for it). Either all exist and are read, or
   * `create` makes them in a temporary directory that is renamed into place in one step; when two processes race,
   * the loser discards its own and reads the winner's, so a key never ends up paired with another key's cert.
   */
  async loadOrCreateGroup(
    rel: string,
    names: readonly string[],
    create: () => Promise<Record<string, Uint8Array>>,
  ): Promise<Record<string, Uint8Array>> {
    const existing = await this.readGroup(rel, names);
    if (existing) return existing;
    const files = await create();
    const target = this.path(rel);
    let tmp: string;
    try {
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      tmp = await mkdtemp(`${target}.tmp-`);
    } catch (error) {
      throw new SimulatorStateError(`cannot create ${target}`, error);
    }
    try {
      for (const name of names) {
        const data = files[name];
        if (data === undefined) throw new SimulatorStateError(`internal: ${rel}/${name} was not created`);
        await writeFile(path.join(tmp, name), data, { mode: 0o600 });
      }
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      if (!isErrno(error, "EEXIST", "ENOTEMPTY", "EISDIR")) {
        throw error instanceof SimulatorStateError
          ? error
          : new SimulatorStateError(`cannot create ${target}`, error);
      }
      const winner = await this.readGroup(rel, names);
      if (!winner) throw new SimulatorStateError(`${target} exists but is incomplete`);
      return winner;
    }
    return files;
  }

  private async readGroup(
    rel: string,
    names: readonly string[],
  ): Promise<Record<string, Uint8Array> | undefined> {
    const out: Record<string, Uint8Array> = {};
    const missing: string[] = [];
    for (const name of names) {
      const data = await this.readOptional(path.join(rel, name));
      if (data === undefined) missing.push(name);
      else out[name] = data;
    }
    if (missing.length === names.length) return undefined;
    if (missing.length > 0) {
      throw new SimulatorStateError(
        `${this.path(rel)} is incomplete (missing ${missing.join(", ")}); delete it to let the simulator regenerate it`,
      );
    }
    return out;
  }
}
