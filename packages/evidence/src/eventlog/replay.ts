/**
 * Measurement-register replay: start from zeros and extend with each event's digest in log order,
 * MR_new = H(MR_old ‖ digest) — the TDX RTMR extend (TDG.MR.RTMR.EXTEND, Intel TDX Module ABI
 * spec) and TPM PCR extend alike. Like Trustee (deps/eventlog/src/lib.rs `replay`), every event
 * recorded for the register is extended with its digest of the chosen algorithm — EV_NO_ACTION
 * included, which PFP §10.4.1 says is never extended: stricter, so an event that was not really
 * measured makes the check fail instead of riding along in the claims.
 */
import { CocoonError } from "@cocoon/core";
import { hashWith } from "./digest.ts";
import type { CcEvent } from "./parse.ts";
import { HASH_ALGORITHMS, isHashAlgorithmName, type HashAlgorithmName } from "./tcg.ts";

/** TDX maps CC MR index 1..4 to RTMR0..3 (UEFI 2.11 §38.4.1); index 0 is MRTD, never replayed. */
export const TDX_RTMR_MR_INDEXES = [1, 2, 3, 4] as const;

/** The value of CC measurement register `mrIndex` after replaying `events`. */
export function replayMeasurementRegister(
  events: readonly CcEvent[],
  mrIndex: number,
  hashAlg: HashAlgorithmName = "SHA-384",
): Uint8Array {
  if (!isHashAlgorithmName(hashAlg)) {
    throw new CocoonError("ERR_EVENTLOG_ALGORITHM", `unsupported replay hash algorithm ${String(hashAlg)}`);
  }
  let value: Uint8Array = new Uint8Array(HASH_ALGORITHMS[hashAlg].size);
  for (const event of events) {
    if (event.index !== mrIndex) continue;
    for (const d of event.digests) {
      if (d.alg === hashAlg) value = hashWith(hashAlg, value, d.digest)!;
    }
  }
  return value;
}

/** RTMR0..RTMR3 replayed from a TDX CC event log (48-byte SHA-384 values by default). */
export function replayRtmrs(
  events: readonly CcEvent[],
  hashAlg: HashAlgorithmName = "SHA-384",
): Uint8Array[] {
  return TDX_RTMR_MR_INDEXES.map((mr) => replayMeasurementRegister(events, mr, hashAlg));
}
