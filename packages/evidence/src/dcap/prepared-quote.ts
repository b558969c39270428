/**
 * A decoded quote together with the verdicts and forms that depend only on its bytes (header
 * verdicts, the DER forms of its two signatures), computed afresh for every verification.
 *
 * There is deliberately no cache keyed by the whole quote (issue #2): a relying party sees a new
 * quote every time (its nonce is in REPORT_DATA), so such a cache never hits in practice and its miss
 * (a private copy, hashing, insertion and eviction) cost more than decoding. What genuinely repeats
 * across the quotes of one platform is cached by its own exact bytes where it is used: the PEM PCK
 * chain (pck.ts), the attestation key and its QE binding (check-quote.ts), the TCB evaluation
 * (tcb-status.ts). Decoding yields views into the caller's bytes, read synchronously during this one
 * call; bytes in a SharedArrayBuffer (which another thread could change meanwhile) are copied first.
 */
import { allZero } from "./context.ts";
import { p256SignatureToDer } from "./ecdsa.ts";
import { INTEL_QE_VENDOR_ID, parseDcapQuote, type DcapQuote } from "./quote.ts";

export interface PreparedQuote {
  q: DcapQuote;
  /** Whether the header's QE vendor ID is Intel's (dcap-qvl INTEL_QE_VENDOR_ID). */
  intelVendor: boolean;
  /** Whether every byte after the quote proper is zero (research §4.3). */
  trailingZero: boolean;
  /** `p256SignatureToDer` of the quote signature and of the QE report signature. */
  quoteSignatureDer: Uint8Array | undefined;
  qeReportSignatureDer: Uint8Array | undefined;
}

/** Intel's QE vendor ID as bytes: the header is compared without hex-encoding it. */
const INTEL_QE_VENDOR_BYTES = new Uint8Array(Buffer.from(INTEL_QE_VENDOR_ID, "hex"));

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Decode `input` (throws `DcapFormatError` like `parseDcapQuote`) with its byte-only verdicts. */
export function prepareQuote(input: Uint8Array): PreparedQuote {
  // Anything but bytes goes to the decoder, which names the problem.
  const bytes =
    input instanceof Uint8Array &&
    typeof SharedArrayBuffer !== "undefined" &&
    input.buffer instanceof SharedArrayBuffer
      ? new Uint8Array(input)
      : input;
  const q = parseDcapQuote(bytes);
  return {
    q,
    intelVendor: equalBytes(q.header.qeVendorId, INTEL_QE_VENDOR_BYTES),
    trailingZero: allZero(q.trailing),
    quoteSignatureDer: p256SignatureToDer(q.signature),
    qeReportSignatureDer: p256SignatureToDer(q.certification.qeReportSignature),
  };
}
