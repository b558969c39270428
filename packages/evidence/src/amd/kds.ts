/**
 * AMD Key Distribution Service client with an on-disk cache (research/evidence.md §2.4).
 *
 * URLs (go-sev-guest kds/kds.go `VCEKCertURL`/`VLEKCertURL`, virtee/snpguest src/fetch.rs, Trustee snp/mod.rs):
 *   VCEK  {base}/vcek/v1/{Milan|Genoa}/{hex CHIP_ID (64 B)}?blSPL=..&teeSPL=..&snpSPL=..&ucodeSPL=..
 *   VCEK  {base}/vcek/v1/Turin/{hex CHIP_ID[0..8]}?fmcSPL=..&blSPL=..&teeSPL=..&snpSPL=..&ucodeSPL=..
 *   VLEK  {base}/vlek/v1/{Product}/cert?blSPL=..&teeSPL=..&snpSPL=..&ucodeSPL=..  (normally delivered by the CSP)
 *   chain {base}/{vcek|vlek}/v1/{Product}/cert_chain   PEM, ASK (or ASVK) first, then ARK
 *   CRL   {base}/{vcek|vlek}/v1/{Product}/crl          DER, signed by the ARK
 * SPL values are plain decimal as in go-sev-guest (its test expects `blSPL=2&teeSPL=0&snpSPL=5&ucodeSPL=68`).
 *
 * Cache layout: VCEKs use Trustee's offline-store layout (snp/mod.rs `format_tcb_prefix`), so a Trustee
 * `kds-store` directory works as a Cocoon cache and vice versa:
 *   {dir}/vcek/{hwid hex}/bl{02}_tee{02}_snp{02}_ucode{02}[_fmc{02}]_vcek.der
 * plus {dir}/{vcek|vlek}/{Product}/cert_chain.pem and {dir}/{vcek|vlek}/{Product}/crl.der.
 * The fetch function is injected; nothing here reaches the network unless the caller passes one that does.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CocoonError, decodePemBlocks } from "@cocoon/core";
import type { SnpProduct } from "../snp/product.ts";
import { parseSnpReport } from "../snp/report.ts";
import type { TcbVersion } from "../snp/tcb.ts";
import { AmdCertificateError, parseAmdCertificate } from "./cert.ts";
import { parseAmdCrl } from "./crl.ts";

/** AMD's KDS (go-sev-guest kds.go `kdsBaseURL`; Trustee `KDS_CERT_SITE`). */
export const KDS_BASE_URL = "https://kdsintf.amd.com";

export type KdsKeyKind = "vcek" | "vlek";
export type KdsTcb = Pick<TcbVersion, "bootloader" | "tee" | "snp" | "microcode" | "fmc">;

export class KdsError extends CocoonError {
  constructor(
    code:
      | "ERR_KDS_HTTP"
      | "ERR_KDS_BAD_RESPONSE"
      | "ERR_KDS_UNAVAILABLE"
      | "ERR_KDS_CACHE_MISS"
      | "ERR_KDS_INPUT",
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(code, message, { details });
    this.name = "KdsError";
  }
}

/** The subset of the WHATWG Response that the client uses; `globalThis.fetch` satisfies it. */
export interface KdsResponse {
  status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}
export type KdsFetch = (url: string) => Promise<KdsResponse>;

/** Hardware ID as KDS wants it: the whole 64-byte CHIP_ID, or its first 8 bytes on Turin. */
export function kdsHwId(product: SnpProduct, chipId: Uint8Array): string {
  if (chipId.length !== 64 && chipId.length !== 8) {
    throw new KdsError("ERR_KDS_INPUT", `CHIP_ID must be 64 (or 8) bytes, got ${chipId.length}`);
  }
  if (chipId.every((b) => b === 0)) {
    throw new KdsError("ERR_KDS_INPUT", "CHIP_ID is all zero (MASK_CHIP_ID): no VCEK can be looked up");
  }
  const id = product === "Turin" ? chipId.subarray(0, 8) : chipId;
  if (product !== "Turin" && id.length !== 64)
    throw new KdsError("ERR_KDS_INPUT", `${product} hwID is 64 bytes`);
  return Buffer.from(id).toString("hex");
}

function splQuery(product: SnpProduct, tcb: KdsTcb): string {
  const legacy = `blSPL=${tcb.bootloader}&teeSPL=${tcb.tee}&snpSPL=${tcb.snp}&ucodeSPL=${tcb.microcode}`;
  if (product !== "Turin") return legacy;
  if (tcb.fmc === undefined) throw new KdsError("ERR_KDS_INPUT", "a Turin TCB must carry fmcSPL");
  return `fmcSPL=${tcb.fmc}&${legacy}`;
}

export function vcekUrl(product: SnpProduct, chipId: Uint8Array, tcb: KdsTcb, base = KDS_BASE_URL): string {
  return `${base}/vcek/v1/${product}/${kdsHwId(product, chipId)}?${splQuery(product, tcb)}`;
}

export function vlekUrl(product: SnpProduct, tcb: KdsTcb, base = KDS_BASE_URL): string {
  return `${base}/vlek/v1/${product}/cert?${splQuery(product, tcb)}`;
}

export function certChainUrl(product: SnpProduct, kind: KdsKeyKind, base = KDS_BASE_URL): string {
  return `${base}/${kind}/v1/${product}/cert_chain`;
}

export function crlUrl(product: SnpProduct, kind: KdsKeyKind, base = KDS_BASE_URL): string {
  return `${base}/${kind}/v1/${product}/crl`;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Trustee's offline-store file name for a VCEK (snp/mod.rs `format_tcb_prefix`). */
export function vcekCachePath(dir: string, product: SnpProduct, chipId: Uint8Array, tcb: KdsTcb): string {
  let prefix = `bl${pad2(tcb.bootloader)}_tee${pad2(tcb.tee)}_snp${pad2(tcb.snp)}_ucode${pad2(tcb.microcode)}`;
  if (product === "Turin") {
    if (tcb.fmc === undefined) throw new KdsError("ERR_KDS_INPUT", "a Turin TCB must carry fmcSPL");
    prefix += `_fmc${pad2(tcb.fmc)}`;
  }
  return path.join(dir, "vcek", kdsHwId(product, chipId), `${prefix}_vcek.der`);
}

/** Read a cached VCEK synchronously (verifiers are synchronous); undefined when not cached. */
export function readCachedVcek(
  dir: string,
  product: SnpProduct,
  chipId: Uint8Array,
  tcb: KdsTcb,
): Uint8Array | undefined {
  const file = vcekCachePath(dir, product, chipId, tcb);
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;
}

export function readCachedCrl(dir: string, product: SnpProduct, kind: KdsKeyKind): Uint8Array | undefined {
  const file = path.join(dir, kind, product, "crl.der");
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : undefined;
}

export interface KdsClientOptions {
  /** Cache directory; created on first write. */
  cacheDir: string;
  /** Injected fetch; omit for an offline client that only reads the cache (a miss is ERR_KDS_CACHE_MISS). */
  fetch?: KdsFetch;
  baseUrl?: string;
}

/** Fetches VCEKs, cert chains and CRLs through the cache; validates every body before caching it. */
export class KdsClient {
  readonly #dir: string;
  readonly #fetch: KdsFetch | undefined;
  readonly #base: string;

  constructor(options: KdsClientOptions) {
    this.#dir = options.cacheDir;
    this.#fetch = options.fetch;
    this.#base = options.baseUrl ?? KDS_BASE_URL;
  }

  get cacheDir(): string {
    return this.#dir;
  }

  async getVcek(product: SnpProduct, chipId: Uint8Array, tcb: KdsTcb): Promise<Uint8Array> {
    const file = vcekCachePath(this.#dir, product, chipId, tcb);
    return this.#cached(file, vcekUrl(product, chipId, tcb, this.#base), (body) => {
      parseAmdCertificate(body); // must be a DER certificate
      return body;
    });
  }

  /** The intermediate (ASK or ASVK) and the ARK, both DER, from `cert_chain`. */
  async getCertChain(
    product: SnpProduct,
    kind: KdsKeyKind,
  ): Promise<{ intermediate: Uint8Array; ark: Uint8Array }> {
    const file = path.join(this.#dir, kind, product, "cert_chain.pem");
    const body = await this.#cached(file, certChainUrl(product, kind, this.#base), (bytes) => {
      const blocks = decodePemBlocks(Buffer.from(bytes).toString("latin1")).filter(
        (b) => b.label === "CERTIFICATE",
      );
      if (blocks.length !== 2)
        throw new AmdCertificateError(`cert_chain must hold 2 certificates, got ${blocks.length}`);
      for (const b of blocks) parseAmdCertificate(new Uint8Array(b.der));
      return bytes;
    });
    const [intermediate, ark] = decodePemBlocks(Buffer.from(body).toString("latin1")).filter(
      (b) => b.label === "CERTIFICATE",
    );
    return { intermediate: new Uint8Array(intermediate!.der), ark: new Uint8Array(ark!.der) };
  }

  async getCrl(product: SnpProduct, kind: KdsKeyKind): Promise<Uint8Array> {
    const file = path.join(this.#dir, kind, product, "crl.der");
    return this.#cached(file, crlUrl(product, kind, this.#base), (body) => {
      parseAmdCrl(body);
      return body;
    });
  }

  /**
   * Fill the cache with everything needed to verify `report` offline: its VCEK (VCEK-signed reports; VLEKs come
   * from the CSP), the product's cert_chain and CRL. Returns them ready for `certificates` and `collateral`.
   */
  async prefetchForReport(
    report: Uint8Array,
    product?: SnpProduct,
  ): Promise<{ product: SnpProduct; certificates: Uint8Array[]; crls: Uint8Array[] }> {
    const parsed = parseSnpReport(report, product ? { product } : {});
    const line = parsed.product ?? product;
    if (!line) throw new KdsError("ERR_KDS_INPUT", "a v2 report carries no CPUID: pass the product line");
    const kind: KdsKeyKind = parsed.keyInfo.signingKey === "VLEK" ? "vlek" : "vcek";
    const certificates: Uint8Array[] = [];
    if (kind === "vcek") certificates.push(await this.getVcek(line, parsed.chipId, parsed.reportedTcb));
    const chain = await this.getCertChain(line, kind);
    certificates.push(chain.intermediate, chain.ark);
    const crl = await this.getCrl(line, kind);
    return { product: line, certificates, crls: [crl] };
  }

  async #cached(file: string, url: string, validate: (body: Uint8Array) => Uint8Array): Promise<Uint8Array> {
    if (existsSync(file)) return new Uint8Array(readFileSync(file));
    if (!this.#fetch)
      throw new KdsError("ERR_KDS_CACHE_MISS", `not in the KDS cache and no fetcher configured: ${url}`, {
        url,
        file,
      });
    let response: KdsResponse;
    let body: Uint8Array;
    try {
      response = await this.#fetch(url);
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new KdsError(
        "ERR_KDS_UNAVAILABLE",
        `KDS request failed: ${url}: ${error instanceof Error ? error.message : String(error)}`,
        { url },
      );
    }
    if (response.status !== 200) {
      throw new KdsError("ERR_KDS_HTTP", `KDS answered HTTP ${response.status} for ${url}`, {
        url,
        status: response.status,
      });
    }
    try {
      validate(body);
    } catch (error) {
      throw new KdsError(
        "ERR_KDS_BAD_RESPONSE",
        `KDS response for ${url} is not what was asked for: ${error instanceof Error ? error.message : String(error)}`,
        { url },
      );
    }
    // Write to a temporary name and rename, so a crash never leaves a truncated file that later reads as cached.
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, body);
    renameSync(tmp, file);
    return body;
  }
}
