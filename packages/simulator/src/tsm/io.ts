/**
 * File operations on a configfs-tsm report directory. The reader goes through this interface so the same code
 * reads real hardware (node:fs on /sys/kernel/config/tsm/report/<name>) and a simulated device (whose io reacts to
 * the writes and reads the way the kernel's configfs handlers do).
 */
import { mkdir, readFile, rmdir, stat, writeFile } from "node:fs/promises";

export interface TsmIo {
  mkdir(dir: string): Promise<void>;
  rmdir(dir: string): Promise<void>;
  readFile(file: string): Promise<Uint8Array>;
  writeFile(file: string, data: Uint8Array): Promise<void>;
  exists(file: string): Promise<boolean>;
}

/** Plain node:fs: what real configfs needs (a write() to inblob, a read() of outblob run the kernel handlers). */
export const nodeTsmIo: TsmIo = {
  async mkdir(dir) {
    await mkdir(dir);
  },
  async rmdir(dir) {
    await rmdir(dir);
  },
  async readFile(file) {
    return new Uint8Array(await readFile(file));
  },
  async writeFile(file, data) {
    await writeFile(file, data);
  },
  async exists(file) {
    try {
      await stat(file);
      return true;
    } catch {
      return false;
    }
  },
};
