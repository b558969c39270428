/**
 * A simulated configfs-tsm: given a directory that plays /sys/kernel/config/tsm/report, it behaves like the
 * kernel's drivers/virt/coco/tsm.c for the report entries made in it — mkdir creates an entry with its attributes,
 * writes to `inblob`/`privlevel` bump `generation`, and reading `outblob`/`auxblob` produces a report for the
 * latest inputs (regenerated only when they changed). Files are mirrored on disk so the directory can be
 * inspected, but the device reacts only through its `io` (a plain write() to a regular file cannot run a
 * handler); pass `device.io` to readTsmReport/requestTsmReport where node:fs would be used on real hardware.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { TsmReportError } from "../errors.ts";
import { nodeTsmIo, type TsmIo } from "./io.ts";
import { TSM_INBLOB_MAX, TSM_PRIVLEVEL_MAX } from "./reader.ts";

/** Kernel provider names (KBUILD_MODNAME of the guest drivers): the format of outblob. */
export type TsmProviderName = "sev_guest" | "tdx_guest";

export interface TsmBackend {
  provider: TsmProviderName;
  /** Lowest accepted privlevel; undefined when the provider has no privlevel attribute (tdx_guest). */
  privlevelFloor: number | undefined;
  /** Produce the report for the current inputs; throw TsmReportError with the errno the driver would return. */
  generate(inblob: Uint8Array, privlevel: number): Promise<{ outblob: Uint8Array; auxblob: Uint8Array }>;
}

interface Entry {
  inblob: Uint8Array | undefined;
  privlevel: number;
  writeGeneration: number;
  readGeneration: number;
  outblob: Uint8Array | undefined;
  auxblob: Uint8Array;
}

const READ_ONLY = new Set(["outblob", "auxblob", "provider", "generation", "privlevel_floor"]);
const WRITE_ONLY = new Set(["inblob", "privlevel"]);

export class SimulatedTsm {
  readonly root: string;
  readonly io: TsmIo;
  private readonly backend: TsmBackend;
  private readonly entries = new Map<string, Entry>();
  /** Serialises report generation, as the kernel's tsm_rwsem does. */
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(root: string, backend: TsmBackend) {
    this.root = path.resolve(root);
    this.backend = backend;
    this.io = {
      mkdir: (dir) => this.mkdir(dir),
      rmdir: (dir) => this.rmdir(dir),
      readFile: (file) => this.readAttribute(file),
      writeFile: (file, data) => this.writeAttribute(file, data),
      exists: (file) => this.exists(file),
    };
  }

  /** Serve reports from `root` (created if missing). */
  static async create(root: string, backend: TsmBackend): Promise<SimulatedTsm> {
    await mkdir(root, { recursive: true });
    return new SimulatedTsm(root, backend);
  }

  get provider(): TsmProviderName {
    return this.backend.provider;
  }

  private locate(file: string): { entry: Entry; name: string; attribute: string } | undefined {
    const rel = path.relative(this.root, path.resolve(file));
    const parts = rel.split(path.sep);
    if (parts.length !== 2 || parts[0] === ".." || parts[0] === "") return undefined;
    const entry = this.entries.get(parts[0]!);
    return entry ? { entry, name: parts[0]!, attribute: parts[1]! } : undefined;
  }

  private attributes(): string[] {
    const list = ["inblob", "outblob", "auxblob", "provider", "generation"];
    if (this.backend.privlevelFloor !== undefined) list.push("privlevel", "privlevel_floor");
    return list;
  }

  private async mirror(name: string, entry: Entry): Promise<void> {
    const dir = path.join(this.root, name);
    const files: Record<string, Uint8Array | string> = {
      provider: `${this.backend.provider}\n`,
      generation: `${entry.writeGeneration}\n`,
      inblob: entry.inblob ?? new Uint8Array(0),
      outblob: entry.outblob ?? new Uint8Array(0),
      auxblob: entry.auxblob,
    };
    if (this.backend.privlevelFloor !== undefined) {
      files["privlevel"] = `${entry.privlevel}\n`;
      files["privlevel_floor"] = `${this.backend.privlevelFloor}\n`;
    }
    for (const [file, data] of Object.entries(files)) await writeFile(path.join(dir, file), data);
  }

  private async mkdir(dir: string): Promise<void> {
    const rel = path.relative(this.root, path.resolve(dir));
    if (rel === "" || rel.startsWith("..") || rel.includes(path.sep)) {
      return nodeTsmIo.mkdir(dir); // outside the report group: an ordinary directory
    }
    if (this.entries.has(rel)) throw new TsmReportError(`${dir} already exists`, "EEXIST");
    await mkdir(path.join(this.root, rel));
    const entry: Entry = {
      inblob: undefined,
      privlevel: this.backend.privlevelFloor ?? 0,
      writeGeneration: 0,
      readGeneration: 0,
      outblob: undefined,
      auxblob: new Uint8Array(0),
    };
    this.entries.set(rel, entry);
    await this.mirror(rel, entry);
  }

  private async rmdir(dir: string): Promise<void> {
    const rel = path.relative(this.root, path.resolve(dir));
    if (!this.entries.delete(rel)) return nodeTsmIo.rmdir(dir);
    await rm(path.join(this.root, rel), { recursive: true, force: true });
  }

  private async exists(file: string): Promise<boolean> {
    const found = this.locate(file);
    if (found) return this.attributes().includes(found.attribute);
    if (this.entries.has(path.relative(this.root, path.resolve(file)))) return true;
    return nodeTsmIo.exists(file);
  }

  private async writeAttribute(file: string, data: Uint8Array): Promise<void> {
    const found = this.locate(file);
    if (!found) return nodeTsmIo.writeFile(file, data);
    const { entry, name, attribute } = found;
    if (!this.attributes().includes(attribute))
      throw new TsmReportError(`${file}: no such attribute`, "ENOENT");
    if (READ_ONLY.has(attribute)) throw new TsmReportError(`${file} is read-only`, "EACCES");
    if (attribute === "inblob") {
      // configfs bin attribute with cb_max_size = TSM_INBLOB_MAX: larger writes fail with EFBIG.
      if (data.length > TSM_INBLOB_MAX)
        throw new TsmReportError(`inblob takes at most ${TSM_INBLOB_MAX} bytes`, "EFBIG");
      entry.inblob = Uint8Array.from(data);
    } else {
      // tsm_report_privlevel_store: kstrtouint, then floor ≤ value ≤ TSM_PRIVLEVEL_MAX, else EINVAL.
      const text = Buffer.from(data).toString("utf8").trim();
      const value = /^\d+$/.test(text) ? Number(text) : NaN;
      const floor = this.backend.privlevelFloor ?? 0;
      if (!(value >= floor && value <= TSM_PRIVLEVEL_MAX)) {
        throw new TsmReportError(`privlevel must be ${floor}..${TSM_PRIVLEVEL_MAX}, got "${text}"`, "EINVAL");
      }
      entry.privlevel = value;
    }
    entry.writeGeneration++;
    await this.mirror(name, entry);
  }

  private async readAttribute(file: string): Promise<Uint8Array> {
    const found = this.locate(file);
    if (!found) return nodeTsmIo.readFile(file);
    const { entry, name, attribute } = found;
    if (!this.attributes().includes(attribute))
      throw new TsmReportError(`${file}: no such attribute`, "ENOENT");
    if (WRITE_ONLY.has(attribute)) throw new TsmReportError(`${file} is write-only`, "EACCES");
    if (attribute === "outblob" || attribute === "auxblob") {
      await this.refresh(name, entry);
      return Uint8Array.from(attribute === "outblob" ? entry.outblob! : entry.auxblob);
    }
    return new Uint8Array(await readFile(path.join(this.root, name, attribute)));
  }

  /** tsm_report_read: EINVAL without an inblob; regenerate when the inputs changed since the last report. */
  private async refresh(name: string, entry: Entry): Promise<void> {
    const run = async (): Promise<void> => {
      if (!entry.inblob || entry.inblob.length === 0) {
        throw new TsmReportError(`${name}: write inblob before reading the report`, "EINVAL");
      }
      if (entry.outblob && entry.readGeneration === entry.writeGeneration) return;
      const generation = entry.writeGeneration;
      const { outblob, auxblob } = await this.backend.generate(entry.inblob, entry.privlevel);
      entry.outblob = outblob;
      entry.auxblob = auxblob;
      entry.readGeneration = generation;
      await this.mirror(name, entry);
    };
    const next = this.lock.then(run, run);
    this.lock = next.catch(() => undefined);
    await next;
  }
}
