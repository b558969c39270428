/**
 * Intel Provisioning Certification Service (PCS) v4 client for DCAP collateral, with an on-disk
 * cache so verification works offline from a pre-filled cache. The HTTP function is injected (tests
 * never touch the network). URLs and headers: Intel PCS API v4 documentation; research §4.6
 * (tinfoilsh/verifier attestation/collateral/fetch.sh).
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { collateralFromPcs, type DcapCollateral } from "../dcap/collateral.ts";
import { IntelPcsError } from "../dcap/errors.ts";
import { parsePckExtensions, splitPemChain, parseCertificates } from "../dcap/pck.ts";
import { parseDcapQuote, type DcapQuote } from "../dcap/quote.ts";

export const INTEL_PCS_BASE_URL = "https://api.trustedservices.intel.com";
/** The root CA CRL is published on Intel's certificate site, not the PCS API. */
export const INTEL_ROOT_CA_CRL_URL = "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der";

export type PcsTee = "sgx" | "tdx";
export type PckCa = "processor" | "platform";

/** The PCS v4 endpoints. */
export function pcsUrls(baseUrl = INTEL_PCS_BASE_URL, rootCaCrlUrl = INTEL_ROOT_CA_CRL_URL) {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    tcbInfo: (tee: PcsTee, fmspc: string): string =>
      `${base}/${tee}/certification/v4/tcb?fmspc=${checkFmspc(fmspc)}`,
    qeIdentity: (tee: PcsTee): string => `${base}/${tee}/certification/v4/qe/identity`,
    /** PCK CRLs are SGX endpoints for both TEEs (TDX PCK certificates are SGX PCK certificates). */
    pckCrl: (ca: PckCa): string => `${base}/sgx/certification/v4/pckcrl?ca=${ca}&encoding=der`,
    rootCaCrl: (): string => rootCaCrlUrl,
  };
}

/**
 * A PCCS (Intel's caching service, or any compatible one) serves the same v4 paths under its own base
 * URL, plus the root CA CRL at `/sgx/certification/v4/rootcacrl` (hex or DER; both are accepted).
 */
export function pccsUrls(baseUrl: string): ReturnType<typeof pcsUrls> {
  return pcsUrls(baseUrl, `${baseUrl.replace(/\/+$/, "")}/sgx/certification/v4/rootcacrl`);
}

function checkFmspc(fmspc: string): string {
  if (!/^[0-9a-fA-F]{12}$/.test(fmspc))
    throw new IntelPcsError(`FMSPC must be 12 hex digits, got "${fmspc}"`);
  return fmspc.toUpperCase();
}

export interface PcsHttpResponse {
  status: number;
  /** Header lookup, case-insensitive (as WHATWG Headers.get). */
  header(name: string): string | null;
  body: Uint8Array;
}

export type PcsFetch = (url: string) => Promise<PcsHttpResponse>;

/** The default transport: global fetch (Node 24). */
export const globalPcsFetch: PcsFetch = async (url) => {
  const res = await fetch(url);
  const body = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, header: (n) => res.headers.get(n), body };
};

/** Headers worth caching (issuer chains; PCS v3 used the SGX- prefixed TCB name). */
const CACHED_HEADERS = [
  "TCB-Info-Issuer-Chain",
  "SGX-TCB-Info-Issuer-Chain",
  "SGX-Enclave-Identity-Issuer-Chain",
  "SGX-PCK-CRL-Issuer-Chain",
];

interface CacheEntry {
  url: string;
  fetchedAt: string;
  headers: Record<string, string>;
  body: string;
}

export interface IntelPcsClientOptions {
  fetch?: PcsFetch;
  /** Directory for cached responses; no cache when absent. */
  cacheDir?: string;
  /** Never fetch: answer from the cache only (a miss is an error). */
  offline?: boolean;
  /** Cached responses younger than this are used without fetching (default 24 h). */
  maxAgeMs?: number;
  baseUrl?: string;
  rootCaCrlUrl?: string;
  now?: () => Date;
}

export interface PcsDocument {
  body: Uint8Array;
  headers: Record<string, string>;
}

export class IntelPcsClient {
  readonly urls: ReturnType<typeof pcsUrls>;
  readonly #fetch: PcsFetch;
  readonly #cacheDir: string | undefined;
  readonly #offline: boolean;
  readonly #maxAgeMs: number;
  readonly #now: () => Date;

  constructor(options: IntelPcsClientOptions = {}) {
    this.urls = pcsUrls(options.baseUrl, options.rootCaCrlUrl);
    this.#fetch = options.fetch ?? globalPcsFetch;
    this.#cacheDir = options.cacheDir;
    this.#offline = options.offline === true;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 3600 * 1000;
    this.#now = options.now ?? (() => new Date());
  }

  #cachePath(url: string): string | undefined {
    if (!this.#cacheDir) return undefined;
    return path.join(this.#cacheDir, `${createHash("sha256").update(url).digest("hex")}.json`);
  }

  async #readCache(url: string): Promise<CacheEntry | undefined> {
    const file = this.#cachePath(url);
    if (!file) return undefined;
    try {
      const entry = JSON.parse(await readFile(file, "utf8")) as CacheEntry;
      return entry.url === url ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async #writeCache(entry: CacheEntry): Promise<void> {
    const file = this.#cachePath(entry.url);
    if (!file) return;
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(entry));
    await rename(tmp, file);
  }

  /** GET a PCS document, from the cache when fresh enough (or always when offline). */
  async get(url: string): Promise<PcsDocument> {
    const cached = await this.#readCache(url);
    const toDoc = (e: CacheEntry): PcsDocument => ({
      body: new Uint8Array(Buffer.from(e.body, "base64")),
      headers: e.headers,
    });
    if (cached && (this.#offline || this.#now().getTime() - Date.parse(cached.fetchedAt) < this.#maxAgeMs))
      return toDoc(cached);
    if (this.#offline) throw new IntelPcsError(`offline and ${url} is not in the PCS cache`, { url });
    let res: PcsHttpResponse;
    try {
      res = await this.#fetch(url);
    } catch (error) {
      if (cached) return toDoc(cached);
      throw new IntelPcsError(`fetching ${url} failed: ${(error as Error).message}`, { url });
    }
    if (res.status !== 200) {
      if (cached) return toDoc(cached);
      throw new IntelPcsError(`${url} answered HTTP ${res.status}`, { url, status: res.status });
    }
    const headers: Record<string, string> = {};
    for (const name of CACHED_HEADERS) {
      const v = res.header(name);
      if (v !== null) headers[name] = v;
    }
    const entry: CacheEntry = {
      url,
      fetchedAt: this.#now().toISOString(),
      headers,
      body: Buffer.from(res.body).toString("base64"),
    };
    await this.#writeCache(entry);
    return toDoc(entry);
  }

  static #chain(doc: PcsDocument, names: string[], url: string): string {
    for (const n of names) if (doc.headers[n]) return doc.headers[n]!;
    throw new IntelPcsError(`${url} response has no ${names[0]} header`, { url });
  }

  async tcbInfo(tee: PcsTee, fmspc: string): Promise<{ body: string; issuerChain: string }> {
    const url = this.urls.tcbInfo(tee, fmspc);
    const doc = await this.get(url);
    return {
      body: Buffer.from(doc.body).toString("utf8"),
      issuerChain: IntelPcsClient.#chain(doc, ["TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain"], url),
    };
  }

  async qeIdentity(tee: PcsTee): Promise<{ body: string; issuerChain: string }> {
    const url = this.urls.qeIdentity(tee);
    const doc = await this.get(url);
    return {
      body: Buffer.from(doc.body).toString("utf8"),
      issuerChain: IntelPcsClient.#chain(doc, ["SGX-Enclave-Identity-Issuer-Chain"], url),
    };
  }

  async pckCrl(ca: PckCa): Promise<{ crl: Uint8Array; issuerChain: string }> {
    const url = this.urls.pckCrl(ca);
    const doc = await this.get(url);
    return { crl: doc.body, issuerChain: IntelPcsClient.#chain(doc, ["SGX-PCK-CRL-Issuer-Chain"], url) };
  }

  async rootCaCrl(): Promise<Uint8Array> {
    return (await this.get(this.urls.rootCaCrl())).body;
  }

  /** All collateral a quote needs: FMSPC from its PCK certificate, the CA kind from the PCK issuer's CN. */
  async collateralForQuote(quote: Uint8Array | DcapQuote): Promise<DcapCollateral> {
    const q = quote instanceof Uint8Array ? parseDcapQuote(quote) : quote;
    const ders = splitPemChain(q.certification.pckCertData);
    const ext = parsePckExtensions(ders[0]!);
    const [leaf] = parseCertificates([ders[0]!], "PCK certificate");
    // Issuer CN "Intel SGX PCK Platform CA" / "Intel SGX PCK Processor CA" selects the CRL (research §4.4).
    const ca: PckCa = /Platform CA/.test(leaf!.issuer) ? "platform" : "processor";
    const fmspc = Buffer.from(ext.fmspc).toString("hex");
    const [tcb, qe, pck, root] = await Promise.all([
      this.tcbInfo(q.tee, fmspc),
      this.qeIdentity(q.tee),
      this.pckCrl(ca),
      this.rootCaCrl(),
    ]);
    return collateralFromPcs({
      tcbInfoBody: tcb.body,
      tcbInfoIssuerChain: tcb.issuerChain,
      qeIdentityBody: qe.body,
      qeIdentityIssuerChain: qe.issuerChain,
      pckCrl: pck.crl,
      pckCrlIssuerChain: pck.issuerChain,
      rootCaCrl: root,
    });
  }
}
