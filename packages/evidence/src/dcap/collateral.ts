/**
 * Intel DCAP collateral: TCB info, QE identity, root CA CRL, PCK CRL, each with its issuer chain.
 * The JSON documents are kept as the EXACT text Intel signed (never re-serialised: research §4.6),
 * parsed only after their signature has been checked.
 *
 * Two on-disk layouts are loaded:
 * - dcap-qvl's `QuoteCollateralV3` JSON (snake_case fields, CRLs as hex DER), as in vectors/tdx/dcapqvl;
 * - Intel PCS v4 responses: `{"tcbInfo":{…},"signature":"…"}` / `{"enclaveIdentity":{…},"signature":"…"}`
 *   bodies, issuer chains from the `TCB-Info-Issuer-Chain` / `SGX-Enclave-Identity-Issuer-Chain` /
 *   `SGX-PCK-CRL-Issuer-Chain` headers (URL-encoded PEM), CRLs as DER, PEM or hex.
 */
import { DcapCollateralError } from "./errors.ts";

export interface DcapCollateral {
  /** Exact text of the signed `tcbInfo` JSON object. */
  tcbInfo?: string;
  /** ECDSA P-256 r‖s signature over `tcbInfo`, hex (128 chars). */
  tcbInfoSignature?: string;
  /** PEM chain: Intel SGX TCB Signing cert (+ root). */
  tcbInfoIssuerChain?: string;
  /** Exact text of the signed `enclaveIdentity` JSON object (QE or TD_QE). */
  qeIdentity?: string;
  qeIdentitySignature?: string;
  qeIdentityIssuerChain?: string;
  /** DER CRL of the Intel SGX Root CA (lists revoked intermediate CAs). */
  rootCaCrl?: Uint8Array;
  /** DER CRL of the PCK Platform or Processor CA that issued the PCK leaf. */
  pckCrl?: Uint8Array;
  /** PEM chain: PCK CA (+ root) that issued `pckCrl`. */
  pckCrlIssuerChain?: string;
}

/** The pieces a complete verification needs; missing ones are named in the `collateral.missing` failure. */
export const REQUIRED_COLLATERAL = ["tcbInfo", "qeIdentity", "rootCaCrl", "pckCrl"] as const;

export function missingCollateral(c: DcapCollateral | undefined): string[] {
  const missing: string[] = [];
  if (!c?.tcbInfo || !c.tcbInfoSignature || !c.tcbInfoIssuerChain) missing.push("tcbInfo");
  if (!c?.qeIdentity || !c.qeIdentitySignature || !c.qeIdentityIssuerChain) missing.push("qeIdentity");
  if (!c?.rootCaCrl) missing.push("rootCaCrl");
  if (!c?.pckCrl) missing.push("pckCrl");
  return missing;
}

/** Why a value passed as collateral does not have the DcapCollateral shape (callers may pass `unknown`). */
export function collateralShapeError(c: unknown): string | undefined {
  if (typeof c !== "object" || c === null || Array.isArray(c)) return "collateral is not an object";
  const o = c as Record<string, unknown>;
  for (const k of [
    "tcbInfo",
    "tcbInfoSignature",
    "tcbInfoIssuerChain",
    "qeIdentity",
    "qeIdentitySignature",
    "qeIdentityIssuerChain",
    "pckCrlIssuerChain",
  ]) {
    if (o[k] !== undefined && typeof o[k] !== "string") return `${k} must be a string`;
  }
  for (const k of ["rootCaCrl", "pckCrl"]) {
    if (o[k] !== undefined && !(o[k] instanceof Uint8Array)) return `${k} must be DER bytes (Uint8Array)`;
  }
  return undefined;
}

/**
 * The exact source text of the value of a top-level member of a JSON object, found by scanning
 * (strings and escapes respected) so the bytes Intel signed are preserved.
 */
export function rawJsonMember(text: string, key: string): string | undefined {
  let i = skipWs(text, 0);
  if (text[i] !== "{") return undefined;
  i++;
  for (;;) {
    i = skipWs(text, i);
    if (text[i] === "}") return undefined;
    if (text[i] !== '"') return undefined;
    const keyEnd = scanString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    if (text[i] !== ":") return undefined;
    i = skipWs(text, i + 1);
    const valueEnd = scanValue(text, i);
    if (name === key) return text.slice(i, valueEnd);
    i = skipWs(text, valueEnd);
    if (text[i] === ",") i++;
    else return undefined;
  }
}

function skipWs(text: string, i: number): number {
  while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  return i;
}

function scanString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text[j] === '"') return j + 1;
  }
  throw new DcapCollateralError("unterminated string in collateral JSON");
}

function scanValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return scanString(text, i);
  if (c === "{" || c === "[") {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const ch = text[j];
      if (ch === '"') j = scanString(text, j) - 1;
      else if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new DcapCollateralError("unbalanced brackets in collateral JSON");
  }
  let j = i;
  while (j < text.length && !",}] \t\r\n".includes(text[j]!)) j++;
  if (j === i) throw new DcapCollateralError("missing value in collateral JSON");
  return j;
}

/** Accept a CRL as DER bytes, PEM text ("X509 CRL"), or hex text. */
export function crlBytes(input: Uint8Array | string, what: string): Uint8Array {
  if (typeof input !== "string") {
    if (input[0] === 0x30) return input;
    return crlBytes(Buffer.from(input).toString("latin1"), what);
  }
  const text = input.trim();
  const pem = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(text);
  if (pem) return new Uint8Array(Buffer.from(pem[1]!.replace(/\s+/g, ""), "base64"));
  if (/^([0-9a-fA-F]{2})+$/.test(text)) return new Uint8Array(Buffer.from(text, "hex"));
  throw new DcapCollateralError(`${what} is neither DER, PEM nor hex`);
}

function requireString(obj: Record<string, unknown>, key: string, what: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new DcapCollateralError(`${what}: field ${key} must be a string`);
  return v;
}

/** Load dcap-qvl's `QuoteCollateralV3` JSON (vectors/tdx/dcapqvl/*_collateral.json, derived_collateral/). */
export function collateralFromQvlJson(text: string): DcapCollateral {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new DcapCollateralError("collateral is not valid JSON", { cause: String(error) });
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj))
    throw new DcapCollateralError("collateral must be a JSON object");
  const what = "QuoteCollateralV3";
  const out: DcapCollateral = {};
  const set = <K extends keyof DcapCollateral>(k: K, v: DcapCollateral[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set("tcbInfo", requireString(obj, "tcb_info", what));
  set("tcbInfoSignature", requireString(obj, "tcb_info_signature", what));
  set("tcbInfoIssuerChain", requireString(obj, "tcb_info_issuer_chain", what));
  set("qeIdentity", requireString(obj, "qe_identity", what));
  set("qeIdentitySignature", requireString(obj, "qe_identity_signature", what));
  set("qeIdentityIssuerChain", requireString(obj, "qe_identity_issuer_chain", what));
  const root = requireString(obj, "root_ca_crl", what);
  if (root) out.rootCaCrl = crlBytes(root, "root_ca_crl");
  const pck = requireString(obj, "pck_crl", what);
  if (pck) out.pckCrl = crlBytes(pck, "pck_crl");
  set("pckCrlIssuerChain", requireString(obj, "pck_crl_issuer_chain", what));
  return out;
}

/** Split an Intel PCS signed body into the exact signed JSON text and the hex signature. */
export function splitPcsSignedBody(
  body: string,
  member: "tcbInfo" | "enclaveIdentity",
): { text: string; signature: string } {
  const text = rawJsonMember(body, member);
  const sigRaw = rawJsonMember(body, "signature");
  if (!text || !sigRaw)
    throw new DcapCollateralError(`PCS response has no "${member}" object and "signature"`);
  const signature = JSON.parse(sigRaw) as unknown;
  if (typeof signature !== "string")
    throw new DcapCollateralError(`PCS response "signature" must be a string`);
  return { text, signature };
}

/** An issuer-chain header value: URL-encoded PEM (PCS) or plain PEM. */
export function decodeIssuerChainHeader(value: string): string {
  return value.includes("%") ? decodeURIComponent(value) : value;
}

export interface PcsCollateralInput {
  /** Body of GET …/tcb?fmspc=… */
  tcbInfoBody?: string;
  /** `TCB-Info-Issuer-Chain` header (URL-encoded or plain PEM). */
  tcbInfoIssuerChain?: string;
  /** Body of GET …/qe/identity */
  qeIdentityBody?: string;
  /** `SGX-Enclave-Identity-Issuer-Chain` header. */
  qeIdentityIssuerChain?: string;
  rootCaCrl?: Uint8Array | string;
  pckCrl?: Uint8Array | string;
  /** `SGX-PCK-CRL-Issuer-Chain` header. */
  pckCrlIssuerChain?: string;
}

/** Build collateral from Intel PCS v4 responses (the layout intel/pcs.ts caches). */
export function collateralFromPcs(input: PcsCollateralInput): DcapCollateral {
  const out: DcapCollateral = {};
  if (input.tcbInfoBody !== undefined) {
    const { text, signature } = splitPcsSignedBody(input.tcbInfoBody, "tcbInfo");
    out.tcbInfo = text;
    out.tcbInfoSignature = signature;
  }
  if (input.tcbInfoIssuerChain) out.tcbInfoIssuerChain = decodeIssuerChainHeader(input.tcbInfoIssuerChain);
  if (input.qeIdentityBody !== undefined) {
    const { text, signature } = splitPcsSignedBody(input.qeIdentityBody, "enclaveIdentity");
    out.qeIdentity = text;
    out.qeIdentitySignature = signature;
  }
  if (input.qeIdentityIssuerChain)
    out.qeIdentityIssuerChain = decodeIssuerChainHeader(input.qeIdentityIssuerChain);
  if (input.rootCaCrl !== undefined) out.rootCaCrl = crlBytes(input.rootCaCrl, "root CA CRL");
  if (input.pckCrl !== undefined) out.pckCrl = crlBytes(input.pckCrl, "PCK CRL");
  if (input.pckCrlIssuerChain) out.pckCrlIssuerChain = decodeIssuerChainHeader(input.pckCrlIssuerChain);
  return out;
}
