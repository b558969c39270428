/**
 * Guest side of the Linux configfs-tsm report ABI (Documentation/ABI/testing/configfs-tsm, drivers/virt/coco/tsm.c):
 * create a report directory under /sys/kernel/config/tsm/report, write up to 64 bytes to `inblob` (and
 * `privlevel` where the provider supports it), read `outblob` (the signed report or quote) and `auxblob` (SEV-SNP:
 * the certificate table). `generation` counts writes; reading it before and after lets us detect another writer
 * racing on the same directory, which the ABI leaves to userspace.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { TsmReportError } from "../errors.ts";
import { nodeTsmIo, type TsmIo } from "./io.ts";

export const TSM_REPORT_ROOT = "/sys/kernel/config/tsm/report";
/** TSM_INBLOB_MAX (include/linux/tsm.h). */
export const TSM_INBLOB_MAX = 64;
/** TSM_PRIVLEVEL_MAX (include/linux/tsm.h): SEV-SNP VMPL 0..3. */
export const TSM_PRIVLEVEL_MAX = 3;

export interface TsmReportRequest {
  inblob: Uint8Array;
  /** Written only when given (SEV-SNP VMPL); providers without the attribute reject it. */
  privlevel?: number;
}

export interface TsmReport {
  /** "sev_guest", "tdx_guest", … — names the format of outblob. */
  provider: string;
  outblob: Uint8Array;
  /** Empty when the provider supplies none (TDX) or the attribute is absent (kernels before auxblob). */
  auxblob: Uint8Array;
  generation: number;
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as { code?: string }).code : undefined;
}

async function attempt<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TsmReportError) throw error;
    throw new TsmReportError(
      `${what}: ${error instanceof Error ? error.message : String(error)}`,
      errnoOf(error),
      error,
    );
  }
}

async function readText(io: TsmIo, file: string): Promise<string> {
  return Buffer.from(await attempt(`cannot read ${file}`, () => io.readFile(file)))
    .toString("utf8")
    .trim();
}

async function readGeneration(io: TsmIo, dir: string): Promise<number> {
  const text = await readText(io, path.join(dir, "generation"));
  if (!/^\d+$/.test(text)) throw new TsmReportError(`${dir}/generation is not a number: "${text}"`);
  return Number(text);
}

/** Request one report from an existing report directory. */
export async function readTsmReport(
  dir: string,
  request: TsmReportRequest,
  io: TsmIo = nodeTsmIo,
): Promise<TsmReport> {
  if (request.inblob.length === 0 || request.inblob.length > TSM_INBLOB_MAX) {
    throw new TsmReportError(
      `inblob must be 1..${TSM_INBLOB_MAX} bytes, got ${request.inblob.length}`,
      "EINVAL",
    );
  }
  const { privlevel } = request;
  if (
    privlevel !== undefined &&
    (!Number.isInteger(privlevel) || privlevel < 0 || privlevel > TSM_PRIVLEVEL_MAX)
  ) {
    throw new TsmReportError(`privlevel must be 0..${TSM_PRIVLEVEL_MAX}, got ${privlevel}`, "EINVAL");
  }
  const provider = await readText(io, path.join(dir, "provider"));
  const before = await readGeneration(io, dir);
  let writes = 0;
  if (privlevel !== undefined) {
    await attempt(`cannot write ${dir}/privlevel`, () =>
      io.writeFile(path.join(dir, "privlevel"), Buffer.from(`${privlevel}\n`)),
    );
    writes++;
  }
  await attempt(`cannot write ${dir}/inblob`, () => io.writeFile(path.join(dir, "inblob"), request.inblob));
  writes++;
  const outblob = await attempt(`cannot read ${dir}/outblob`, () => io.readFile(path.join(dir, "outblob")));
  const auxPath = path.join(dir, "auxblob");
  const auxblob = (await io.exists(auxPath))
    ? await attempt(`cannot read ${auxPath}`, () => io.readFile(auxPath))
    : new Uint8Array(0);
  const generation = await readGeneration(io, dir);
  if (generation === before) {
    throw new TsmReportError(
      `${dir}/generation did not advance after writing inblob: not a live configfs-tsm report entry`,
      "EBUSY",
    );
  }
  if (generation !== before + writes) {
    throw new TsmReportError(
      `${dir} was changed by another writer (generation ${before} → ${generation}, expected ${before + writes}); retry with a private report directory`,
      "EBUSY",
    );
  }
  return { provider, outblob, auxblob, generation };
}

/**
 * Create a private report directory, request one report, and remove the directory again (the kernel keeps a
 * report instance per directory; one per request avoids racing other agents).
 */
export async function requestTsmReport(
  request: TsmReportRequest,
  options: { root?: string; io?: TsmIo; name?: string } = {},
): Promise<TsmReport> {
  const io = options.io ?? nodeTsmIo;
  const root = options.root ?? TSM_REPORT_ROOT;
  const dir = path.join(root, options.name ?? `cocoon-${process.pid}-${randomBytes(6).toString("hex")}`);
  await attempt(`cannot create ${dir} (is configfs-tsm available?)`, () => io.mkdir(dir));
  try {
    return await readTsmReport(dir, request, io);
  } finally {
    await io.rmdir(dir).catch(() => undefined);
  }
}
