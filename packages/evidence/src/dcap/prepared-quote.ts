/**
 * A decoded quote together with everything that depends only on its bytes (header verdicts, the DER
 * forms of its two signatures), remembered by the EXACT quote bytes (issue #2). A verifier asked again
 * about the same quote (a retry, a relying party re-checking evidence) skips decoding; it still runs
 * both signature verifies, the chain, collateral, freshness and revocation checks against `now`.
 *
 * The decoded fields are views into a private copy of the bytes, taken before decoding, so a caller
 * changing its buffer afterwards can neither alter a cached entry nor be answered from one: an entry
 * is used only when all its bytes equal the input (cache.ts `BytesCache`, memcmp).
 */
import type { KeyObject } from "node:crypto";
import { allZero, hex } from "./context.ts";
import { BytesCache, quoteSample } from "./cache.ts";
import { p256SignatureToDer } from "./ecdsa.ts";
import type { SplitChain } from "./pck.ts";
import { INTEL_QE_VENDOR_ID, parseDcapQuote, type DcapQuote } from "./quote.ts";

export interface PreparedQuote {
  q: DcapQuote;
  /** Hex of the header's QE vendor ID (compared with Intel's, and named on failure). */
  vendorHex: string;
  /** Whether QE vendor ID is Intel's (dcap-qvl INTEL_QE_VENDOR_ID). */
  intelVendor: boolean;
  /** Whether every byte after the quote proper is zero (research §4.3). */
  trailingZero: boolean;
  /** `p256SignatureToDer` of the quote signature and of the QE report signature. */
  quoteSignatureDer: Uint8Array | undefined;
  qeReportSignatureDer: Uint8Array | undefined;
  /**
   * Filled in by the first verification that needs them (check-quote.ts), then reused: the split PCK
   * chain (or the message of its DcapFormatError), the imported attestation key (null: not a P-256
   * point) and whether the QE report binds the attestation key. All are functions of the bytes alone.
   */
  split?: SplitChain | { error: string };
  attestationKey?: KeyObject | null;
  keyBound?: boolean;
}

/** Quotes kept: each entry holds a copy of its bytes (about 5 KB for a TDX quote). */
const preparedQuotes = new BytesCache<PreparedQuote, number>(256, quoteSample);

/**
 * Larger inputs are decoded (from a copy) but not kept, so the cache stays a few MB whatever callers
 * send. Genuine quotes are 4–8 KB: a PEM PCK chain of three certificates plus at most a few KB of zero
 * padding (research §4.3, §4.10).
 */
const MAX_CACHED_QUOTE_BYTES = 64 * 1024;

function prepare(bytes: Uint8Array): PreparedQuote {
  const q = parseDcapQuote(bytes);
  const vendorHex = hex(q.header.qeVendorId);
  return {
    q,
    vendorHex,
    intelVendor: vendorHex === INTEL_QE_VENDOR_ID,
    trailingZero: allZero(q.trailing),
    quoteSignatureDer: p256SignatureToDer(q.signature),
    qeReportSignatureDer: p256SignatureToDer(q.certification.qeReportSignature),
  };
}

/**
 * Decode `input` (throws `DcapFormatError` like `parseDcapQuote`; failures are not cached) or return
 * the entry of an identical earlier quote. The entry is shared: callers only read it.
 */
export function prepareQuote(input: Uint8Array): PreparedQuote {
  // Anything but bytes goes to the decoder, which names the problem.
  if (!(input instanceof Uint8Array)) return prepare(input);
  if (input.length > MAX_CACHED_QUOTE_BYTES) return prepare(new Uint8Array(input));
  return preparedQuotes.getOrSet(input, prepare);
}
