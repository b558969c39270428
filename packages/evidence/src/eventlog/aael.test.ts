/**
 * AAEL production is byte-compatible with the CoCo attestation agent: re-encoding the AAEL
 * entries of Trustee's alibabacloud log reproduces its records exactly, and assembled logs parse
 * and replay as the verifier expects.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import {
  AAEL_ONLY_LOG_HEADER,
  AaelEntryError,
  assembleCcEventLog,
  ccelEnd,
  encodeAaelEvent,
  EventLogFormatError,
  parseCcEventLog,
  parseCcEventLogWithHeader,
  replayRtmrs,
  tdxCcMrIndexForPcr,
} from "./index.ts";

const ALIBABA = readFileSync(vectorPath("trustee", "eventlog", "CCEL_AAEL_alibabacloud"));
const OVMF = readFileSync(vectorPath("trustee", "tdx", "CCEL_data_ovmf"));

test("re-encoding every AAEL entry of a real agent log reproduces its record byte for byte", () => {
  const events = parseCcEventLog(ALIBABA);
  const aael = events.filter((e) => e.details.unicode_name === "AAEL");
  assert.ok(aael.length >= 2);
  for (const e of aael) {
    const text = e.details.string!;
    const [domain, operation] = text.split(" ", 2) as [string, string];
    const content = text.slice(domain.length + operation.length + 2);
    const { record, digest } = encodeAaelEvent({ domain, operation, content }, { mrIndex: e.index });
    assert.deepEqual(Buffer.from(record), ALIBABA.subarray(e.offset, e.offset + e.length));
    assert.deepEqual(Buffer.from(digest), Buffer.from(e.digests[0]!.digest));
    assert.equal(e.digestMatchesEvent, true);
  }
});

test("the agent's PCR → TDX CC MR mapping: the default PCR 17 lands in RTMR3 (index 4)", () => {
  assert.deepEqual([1, 7, 2, 6, 8, 15, 16, 17].map(tdxCcMrIndexForPcr), [1, 1, 2, 2, 3, 3, 4, 4]);
});

test("an assembled CCEL + AAEL log parses and RTMR3 is the extend chain of the entry digests", () => {
  const a = encodeAaelEvent({
    domain: "github.com/confidential-containers",
    operation: "PullImage",
    content: '{"image":"busybox"}',
  });
  const b = encodeAaelEvent({
    domain: "github.com/confidential-containers",
    operation: "Exec",
    content: "sh -c true",
  });
  const log = assembleCcEventLog(OVMF, Buffer.concat([a.record, b.record]))!;
  const end = ccelEnd(OVMF);
  assert.deepEqual(log.subarray(0, end), OVMF.subarray(0, end));
  const events = parseCcEventLog(log);
  const firmware = parseCcEventLog(OVMF);
  assert.equal(events.length, firmware.length + 2);
  assert.deepEqual(events.at(-2)!.details.data, {
    domain: "github.com/confidential-containers",
    operation: "PullImage",
    content: { image: "busybox" },
  });
  const rtmrs = replayRtmrs(events);
  const rtmr3 = [a.digest, b.digest].reduce<Buffer>(
    (mr, d) => createHash("sha384").update(mr).update(d).digest(),
    Buffer.alloc(48),
  );
  assert.deepEqual(Buffer.from(rtmrs[3]!), rtmr3);
  assert.deepEqual(rtmrs.slice(0, 3), replayRtmrs(firmware).slice(0, 3));
});

test("without a CCEL the agent's fixed header is used: an empty AAEL gives Trustee's CSV evidence log exactly", () => {
  const csv = JSON.parse(readFileSync(vectorPath("trustee", "csv", "csv_evidence.json"), "utf8")) as {
    cc_eventlog: string;
  };
  assert.equal(
    Buffer.from(assembleCcEventLog(undefined, new Uint8Array(0))!).toString("base64"),
    csv.cc_eventlog,
  );
  assert.equal(assembleCcEventLog(undefined, undefined), undefined);
  const only = assembleCcEventLog(
    undefined,
    encodeAaelEvent({ domain: "d", operation: "o", content: "c" }).record,
  )!;
  assert.deepEqual(log2algs(only), ["SHA-384", "SM3"]);
  assert.equal(AAEL_ONLY_LOG_HEADER.length, 69);
});

function log2algs(bytes: Uint8Array): string[] {
  return parseCcEventLogWithHeader(bytes).algorithms.map((a) => a.alg);
}

test("entries that readers would split differently are refused", () => {
  assert.throws(() => encodeAaelEvent({ domain: "a b", operation: "o", content: "c" }), AaelEntryError);
  assert.throws(() => encodeAaelEvent({ domain: "d", operation: "", content: "c" }), AaelEntryError);
  assert.throws(
    () => encodeAaelEvent({ domain: "d", operation: "o", content: "line\nbreak" }),
    AaelEntryError,
  );
});

test("a CCEL without an end marker cannot be extended", () => {
  const end = ccelEnd(OVMF);
  assert.throws(() => ccelEnd(OVMF.subarray(0, end)), EventLogFormatError);
  assert.throws(() => ccelEnd(OVMF.subarray(0, 30)), EventLogFormatError);
});
