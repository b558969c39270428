/** Byte encodings used across formats: hex, base64, base64url and PEM armour. */
import { InvalidInputError } from "./errors.ts";

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Strict hex decoding: an odd length or a non-hex character is an error, never silently dropped. */
export function fromHex(text: string, what = "hex string"): Buffer {
  const clean = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  if (!HEX.test(clean)) throw new InvalidInputError(`${what} is not valid hex (even-length, 0-9a-f)`);
  return Buffer.from(clean, "hex");
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Strict standard base64 (padding optional). */
export function fromBase64(text: string, what = "base64 string"): Buffer {
  const clean = text.replace(/\s+/g, "");
  if (!B64.test(clean) || clean.replace(/=+$/, "").length % 4 === 1) {
    throw new InvalidInputError(`${what} is not valid base64`);
  }
  return Buffer.from(clean, "base64");
}

/** Strict base64url (padding tolerated, as some peers emit it). */
export function fromBase64Url(text: string, what = "base64url string"): Buffer {
  if (!B64URL.test(text) || text.replace(/=+$/, "").length % 4 === 1) {
    throw new InvalidInputError(`${what} is not valid base64url`);
  }
  return Buffer.from(text.replace(/=+$/, ""), "base64url");
}

export interface PemBlock {
  label: string;
  der: Buffer;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** All PEM blocks in a text, in order. Text outside the blocks is ignored, as OpenSSL does. */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    blocks.push({ label: match[1]!, der: fromBase64(match[2]!, `PEM ${match[1]} body`) });
  }
  return blocks;
}

export function encodePem(label: string, der: Uint8Array): string {
  const body = toBase64(der).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** Constant-time equality for secrets and digests of equal or different lengths. */
export { timingSafeEqual } from "node:crypto";
