/**
 * Test support: a real software TPM (swtpm) on a free local port, driven with tpm2-tools, so the TPM verifier
 * is tested against quotes a TPM makes at test time. Not exported from the package.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const TOOLS = [
  "swtpm",
  "tpm2_createprimary",
  "tpm2_create",
  "tpm2_load",
  "tpm2_quote",
  "tpm2_pcrextend",
  "tpm2_flushcontext",
];

/** Why the TPM tests cannot run here, or undefined when every binary is installed. */
export function swtpmMissing(): string | undefined {
  const missing = TOOLS.filter((tool) => {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
  return missing.length === 0
    ? undefined
    : `SKIPPED: ${missing.join(", ")} not installed — run scripts/system-deps.sh (apt-get install swtpm tpm2-tools)`;
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port P such that P and P+1 (swtpm's control channel) are both free right now. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
      });
    });
    if (port > 0 && port < 65535 && (await listenable(port + 1))) return port;
  }
  throw new Error("no free port pair for swtpm");
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export type AkKind = "rsassa" | "rsapss" | "ecdsa" | "unrestricted";

const AK_ALG: Record<AkKind, string> = {
  rsassa: "rsa2048:rsassa-sha256:null",
  rsapss: "rsa2048:rsapss-sha256:null",
  ecdsa: "ecc256:ecdsa-sha256:null",
  unrestricted: "rsa2048:rsassa-sha256:null",
};

const RESTRICTED_AK = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign";
/** A plain signing key: TPM2_Quote accepts it, but it would also sign forged TPMS_ATTEST bytes. */
const UNRESTRICTED_KEY = "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign";

export interface MadeQuote {
  message: Uint8Array;
  signature: Uint8Array;
  /** Selected PCR values concatenated in selection order (tpm2_quote --pcrs_format values). */
  pcrValues: Uint8Array;
  /** TPM2B_PUBLIC of the AK (tpm2_create -u). */
  akTpm2bPublic: Uint8Array;
}

export class Swtpm {
  readonly dir: string;
  readonly port: number;
  private readonly child: ChildProcess;
  private primaryReady = false;

  private constructor(dir: string, port: number, child: ChildProcess) {
    this.dir = dir;
    this.port = port;
    this.child = child;
  }

  static async start(): Promise<Swtpm> {
    const dir = mkdtempSync(path.join(tmpdir(), "cocoon-swtpm-"));
    const port = await freePortPair();
    const child = spawn(
      "swtpm",
      [
        "socket",
        "--tpm2",
        "--server",
        `type=tcp,port=${port},bindaddr=127.0.0.1`,
        "--ctrl",
        `type=tcp,port=${port + 1},bindaddr=127.0.0.1`,
        "--flags",
        "not-need-init,startup-clear",
        "--tpmstate",
        `dir=${dir}`,
      ],
      { stdio: "ignore" },
    );
    const tpm = new Swtpm(dir, port, child);
    // Wait (bounded) until swtpm accepts connections.
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) break;
      if (await accepts(port)) return tpm;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    tpm.stop();
    throw new Error(`swtpm did not start on port ${port}`);
  }

  /** Runs one tpm2-tools command against this TPM, then flushes transient objects (swtpm has no resource manager). */
  run(tool: string, args: string[]): string {
    const env = { ...process.env, TPM2TOOLS_TCTI: `swtpm:port=${this.port}` };
    const out = execFileSync(tool, args, { cwd: this.dir, env, timeout: 30_000, encoding: "utf8" });
    execFileSync("tpm2_flushcontext", ["-t"], { cwd: this.dir, env, timeout: 30_000 });
    return out;
  }

  private ensurePrimary(): void {
    if (this.primaryReady) return;
    // An ECC storage primary is fast to create on swtpm (RSA prime generation is slow).
    this.run("tpm2_createprimary", [
      "-Q",
      "-C",
      "o",
      "-G",
      "ecc256:aes128cfb",
      "-g",
      "sha256",
      "-c",
      "primary.ctx",
    ]);
    this.primaryReady = true;
  }

  /** Extends a PCR in the SHA-256 and SHA-1 banks with the given digests. */
  extend(pcr: number, sha256Hex: string, sha1Hex: string): void {
    this.run("tpm2_pcrextend", [`${pcr}:sha256=${sha256Hex},sha1=${sha1Hex}`]);
  }

  /** Creates a restricted signing AK of the given kind under the primary and makes a quote with it. */
  quote(kind: AkKind, selection: string, nonceHex: string): MadeQuote {
    this.ensurePrimary();
    const name = `ak-${kind}`;
    this.run("tpm2_create", [
      "-Q",
      "-C",
      "primary.ctx",
      "-G",
      AK_ALG[kind],
      "-g",
      "sha256",
      "-a",
      kind === "unrestricted" ? UNRESTRICTED_KEY : RESTRICTED_AK,
      "-u",
      `${name}.pub`,
      "-r",
      `${name}.priv`,
    ]);
    this.run("tpm2_load", [
      "-Q",
      "-C",
      "primary.ctx",
      "-u",
      `${name}.pub`,
      "-r",
      `${name}.priv`,
      "-c",
      `${name}.ctx`,
    ]);
    this.run("tpm2_quote", [
      "-Q",
      "-c",
      `${name}.ctx`,
      "-l",
      selection,
      "-q",
      nonceHex,
      "-g",
      "sha256",
      "--scheme",
      kind === "unrestricted" ? "rsassa" : kind,
      "-m",
      `${name}.msg`,
      "-s",
      `${name}.sig`,
      "-o",
      `${name}.pcrs`,
      "--pcrs_format",
      "values",
    ]);
    const read = (file: string) => new Uint8Array(readFileSync(path.join(this.dir, file)));
    return {
      message: read(`${name}.msg`),
      signature: read(`${name}.sig`),
      pcrValues: read(`${name}.pcrs`),
      akTpm2bPublic: read(`${name}.pub`),
    };
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.pid !== undefined) this.child.kill("SIGTERM");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
