/**
 * Event log against quote RTMRs: matching logs pass `tdx.eventlog.rtmr0..3`; a tampered digest,
 * a dropped event or a wrong quote value fails the check of exactly the affected RTMR.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { CheckLog } from "../types.ts";
import {
  checkTdxEventLog,
  eventLogClaims,
  parseCcEventLog,
  replayMeasurementRegister,
  replayRtmrs,
  verifyEventLogAgainstRtmrs,
} from "./index.ts";
import { buildLog, specIdHeader } from "./test-logs.ts";
import { OVMF_LOG as OVMF, OVMF_RTMRS_HEX } from "./ovmf-vector.ts";

const OVMF_RTMRS = OVMF_RTMRS_HEX.map((h) => Buffer.from(h, "hex"));

const failedChecks = (log: CheckLog): string[] => log.failures.map((f) => f.check);

test("a genuine log matches its RTMRs: four passing checks", () => {
  const log = new CheckLog();
  assert.equal(verifyEventLogAgainstRtmrs(parseCcEventLog(OVMF), OVMF_RTMRS, log), true);
  assert.deepEqual(
    log.checks.map((c) => [c.check, c.ok]),
    [
      ["tdx.eventlog.rtmr0", true],
      ["tdx.eventlog.rtmr1", true],
      ["tdx.eventlog.rtmr2", true],
      ["tdx.eventlog.rtmr3", true],
    ],
  );
});

test("tampering one digest of an RTMR1 event fails tdx.eventlog.rtmr1 only", () => {
  const events = parseCcEventLog(OVMF);
  const target = events.find((e) => e.index === 2)!;
  const tampered = Buffer.from(OVMF);
  // TCG_PCR_EVENT2: PCRIndex(4) EventType(4) count(4) hashAlg(2), then the first digest.
  tampered[target.offset + 14] ^= 0x01;
  const log = new CheckLog();
  assert.equal(verifyEventLogAgainstRtmrs(parseCcEventLog(tampered), OVMF_RTMRS, log), false);
  assert.deepEqual(failedChecks(log), ["tdx.eventlog.rtmr1"]);
  assert.equal(log.failures[0]!.expected, OVMF_RTMRS[1]!.toString("hex"));
  assert.notEqual(log.failures[0]!.actual, log.failures[0]!.expected);
});

test("dropping an RTMR2 event from the log fails tdx.eventlog.rtmr2 only", () => {
  const events = parseCcEventLog(OVMF);
  const target = events.find((e) => e.index === 3)!;
  const spliced = Buffer.concat([
    OVMF.subarray(0, target.offset),
    OVMF.subarray(target.offset + target.length),
  ]);
  const log = new CheckLog();
  const reparsed = parseCcEventLog(spliced);
  assert.equal(reparsed.length, events.length - 1);
  assert.equal(verifyEventLogAgainstRtmrs(reparsed, OVMF_RTMRS, log), false);
  assert.deepEqual(failedChecks(log), ["tdx.eventlog.rtmr2"]);
});

test("a wrong quote RTMR is named with both values (Trustee test_rtmr_integrity_error case)", () => {
  const events = parseCcEventLog(readFileSync(vectorPath("trustee", "tdx", "CCEL_data")));
  const given =
    "2fa3be56af61208bbd179dc7b124988eb929319154663c539d6f46445ecac2fec287075047ff7bd1922829fec28cd3cf";
  const rtmrs = replayRtmrs(events);
  rtmrs[1] = Buffer.from(given, "hex");
  const log = new CheckLog();
  verifyEventLogAgainstRtmrs(events, rtmrs, log);
  assert.deepEqual(log.failures, [
    {
      check: "tdx.eventlog.rtmr1",
      expected: given,
      actual:
        "0fa3be56af61208bbd179dc7b124988eb929319154663c539d6f46445ecac2fec287075047ff7bd1922829fec28cd3cf",
    },
  ]);
});

test("fewer than four RTMRs is a failure, not a crash", () => {
  const log = new CheckLog();
  assert.equal(verifyEventLogAgainstRtmrs([], OVMF_RTMRS.slice(0, 3), log), false);
  assert.deepEqual(failedChecks(log), ["tdx.eventlog.rtmrs"]);
});

test("replay is the extend chain H(H(0 ‖ d1) ‖ d2), per register and per algorithm", () => {
  const d = (s: string, alg: string): Buffer => createHash(alg).update(s).digest();
  const log = buildLog(
    [
      {
        index: 1,
        type: 0x80000007,
        digests: [
          [0x000c, d("a", "sha384")],
          [0x000b, d("a", "sha256")],
        ],
        data: Buffer.from("x"),
      },
      { index: 0, type: 0x80000007, digests: [[0x000c, d("mrtd", "sha384")]], data: Buffer.from("x") },
      {
        index: 1,
        type: 0x80000007,
        digests: [
          [0x000c, d("b", "sha384")],
          [0x000b, d("b", "sha256")],
        ],
        data: Buffer.from("x"),
      },
      { index: 4, type: 0x80000007, digests: [[0x000c, d("c", "sha384")]], data: Buffer.from("x") },
    ],
    specIdHeader([
      [0x000c, 48],
      [0x000b, 32],
    ]),
  );
  const events = parseCcEventLog(log);
  const extend = (alg: string, size: number, ...digests: Buffer[]): string =>
    digests
      .reduce((mr, x) => createHash(alg).update(mr).update(x).digest(), Buffer.alloc(size))
      .toString("hex");
  const rtmrs = replayRtmrs(events).map((r) => Buffer.from(r).toString("hex"));
  assert.deepEqual(rtmrs, [
    extend("sha384", 48, d("a", "sha384"), d("b", "sha384")),
    "0".repeat(96),
    "0".repeat(96),
    extend("sha384", 48, d("c", "sha384")),
  ]);
  assert.equal(
    Buffer.from(replayMeasurementRegister(events, 1, "SHA-256")).toString("hex"),
    extend("sha256", 32, d("a", "sha256"), d("b", "sha256")),
  );
  // digest_matches_event compares the digests with the hash of the event data.
  assert.equal(events[0]!.digestMatchesEvent, false);
});

test("checkTdxEventLog: a base64 cc_eventlog that replays to the quote gives the uefi_event_logs claim", () => {
  const log = new CheckLog();
  const result = checkTdxEventLog(OVMF.toString("base64"), OVMF_RTMRS, log);
  assert.equal(log.failures.length, 0);
  assert.deepEqual(
    log.checks.map((c) => c.check),
    [
      "tdx.eventlog.parse",
      "tdx.eventlog.rtmr0",
      "tdx.eventlog.rtmr1",
      "tdx.eventlog.rtmr2",
      "tdx.eventlog.rtmr3",
    ],
  );
  const expected = JSON.parse(
    readFileSync(vectorPath("trustee", "eventlog", "CCEL_data_ovmf_out.json"), "utf8"),
  ) as { uefi_event_logs: unknown };
  assert.deepEqual(JSON.parse(JSON.stringify(result.claims)), expected.uefi_event_logs);
});

test("checkTdxEventLog: an absent or empty log is no claim and no failure (Trustee only warns)", () => {
  for (const absent of [null, undefined, ""]) {
    const log = new CheckLog();
    assert.deepEqual(checkTdxEventLog(absent, OVMF_RTMRS, log), {});
    assert.equal(log.checks.length, 0);
  }
});

test("checkTdxEventLog: bad base64, an undecodable log and an RTMR mismatch each fail, without a claim", () => {
  let log = new CheckLog();
  assert.equal(checkTdxEventLog("not base64!", OVMF_RTMRS, log).claims, undefined);
  assert.deepEqual(failedChecks(log), ["tdx.eventlog.encoding"]);

  log = new CheckLog();
  assert.equal(
    checkTdxEventLog(Buffer.from("garbage bytes, not a log").toString("base64"), OVMF_RTMRS, log).claims,
    undefined,
  );
  assert.deepEqual(failedChecks(log), ["tdx.eventlog.parse"]);
  assert.match(log.failures[0]!.actual, /offset \d+/);

  log = new CheckLog();
  const wrong = OVMF_RTMRS.map((r, i) => (i === 0 ? Buffer.alloc(48, 0xaa) : r));
  const result = checkTdxEventLog(OVMF.toString("base64"), wrong, log);
  assert.equal(result.claims, undefined);
  assert.equal(result.events?.length, 20);
  assert.deepEqual(failedChecks(log), ["tdx.eventlog.rtmr0"]);
});

test("eventLogClaims of an empty event list is an empty array", () => {
  assert.deepEqual(eventLogClaims([]), []);
});
