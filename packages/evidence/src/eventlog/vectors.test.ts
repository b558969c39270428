/**
 * Trustee's own event-log vectors (deps/eventlog/test_data, read in place from the shared
 * vectors): each log must decode to exactly Trustee's expected `uefi_event_logs` JSON, byte for
 * byte, and replay to the RTMR values Trustee's tests assert (deps/eventlog/src/lib.rs
 * `test_rtmr_integrity`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorPath } from "@cocoon/core";
import { eventLogClaims, parseCcEventLog, parseCcEventLogWithHeader, replayRtmrs } from "./index.ts";
import { OVMF_RTMRS_HEX } from "./ovmf-vector.ts";

const CASES = [
  { log: ["eventlog", "CCEL_AAEL_alibabacloud"], out: "CCEL_AAEL_alibabacloud_out.json", events: 87 },
  { log: ["eventlog", "CCEL_data_grub"], out: "CCEL_data_grub_out.json", events: 37 },
  { log: ["tdx", "CCEL_data"], out: "CCEL_data_out.json", events: 5 },
  { log: ["tdx", "CCEL_data_ovmf"], out: "CCEL_data_ovmf_out.json", events: 20 },
];

for (const c of CASES) {
  test(`${c.log[1]} decodes to Trustee's expected uefi_event_logs, byte for byte`, () => {
    const events = parseCcEventLog(readFileSync(vectorPath("trustee", ...c.log)));
    assert.equal(events.length, c.events);
    const expectedText = readFileSync(vectorPath("trustee", "eventlog", c.out), "utf8");
    const ours = { uefi_event_logs: eventLogClaims(events) };
    assert.deepEqual(JSON.parse(JSON.stringify(ours)), JSON.parse(expectedText));
    // Trustee's claims are serde_json Values (sorted keys); the files are their pretty print.
    assert.equal(JSON.stringify(ours, null, 2), expectedText);
  });
}

/** Known answers from Trustee deps/eventlog/src/lib.rs `test_rtmr_integrity` (RTMR0..3, SHA-384). */
const RTMR_KATS: { log: string[]; rtmrs: string[] }[] = [
  {
    log: ["tdx", "CCEL_data"],
    rtmrs: [
      "2dc712306a963eadb894ad47dbaa17df44814151555aee11cbb843becca88950ffd079664902e6f22c66f7c8213543f4",
      "0fa3be56af61208bbd179dc7b124988eb929319154663c539d6f46445ecac2fec287075047ff7bd1922829fec28cd3cf",
      "0".repeat(96),
      "0".repeat(96),
    ],
  },
  {
    log: ["tdx", "CCEL_data_ovmf"],
    rtmrs: [...OVMF_RTMRS_HEX],
  },
  {
    log: ["eventlog", "CCEL_data_grub"],
    rtmrs: [
      "cec0a104f691f60da2387fea3c2de00c4ac035e2bb479ff02edcce69039d9e9907f0b3e55031da3dc7038f423adebd79",
      "6c289e0c62182d41ebe97bdbc9872d10998a08eaa86adcdc684001a363207ee72942c7522cdf00a4bbc3d784bed7b670",
      "08919d017ba0e52cd6d966351c7de16fe76c1d3d3d3da4554239e4c7d16cb8b82a94e7eaea3a0e6e18eb690b999fd31e",
      "0".repeat(96),
    ],
  },
];

for (const kat of RTMR_KATS) {
  test(`${kat.log[1]} replays to Trustee's RTMR known answers`, () => {
    const replayed = replayRtmrs(parseCcEventLog(readFileSync(vectorPath("trustee", ...kat.log))));
    assert.deepEqual(
      replayed.map((r) => Buffer.from(r).toString("hex")),
      kat.rtmrs,
    );
    for (const r of replayed) assert.equal(r.length, 48);
  });
}

test("the AAEL vector's tagged events carry domain/operation/content and extend RTMR3 (MR index 4)", () => {
  const events = parseCcEventLog(readFileSync(vectorPath("trustee", "eventlog", "CCEL_AAEL_alibabacloud")));
  const aael = events.filter((e) => e.details.unicode_name === "AAEL");
  assert.ok(aael.length > 0);
  for (const e of aael) assert.equal(e.index, 4);
  assert.deepEqual(aael[0]!.details.data, {
    domain: "coco.com",
    operation: "some-operation",
    content: "some-content",
  });
  // Content that is JSON is kept as JSON, not as a string.
  assert.ok(aael.some((e) => typeof (e.details.data as { content: unknown }).content === "object"));
  assert.notEqual(Buffer.from(replayRtmrs(events)[3]!).toString("hex"), "0".repeat(96));
});

test("the Spec ID header's algorithms are reported (CCEL_data: SHA-384 only)", () => {
  const { algorithms } = parseCcEventLogWithHeader(readFileSync(vectorPath("trustee", "tdx", "CCEL_data")));
  assert.deepEqual(algorithms, [{ id: 0x000c, alg: "SHA-384", size: 48 }]);
});

test("Trustee's Hygon CSV evidence log: a header declaring SHA-384 and SM3, then no events", () => {
  const evidence = JSON.parse(readFileSync(vectorPath("trustee", "csv", "csv_evidence.json"), "utf8")) as {
    cc_eventlog: string;
  };
  const { algorithms, events } = parseCcEventLogWithHeader(Buffer.from(evidence.cc_eventlog, "base64"));
  assert.deepEqual(
    algorithms.map((a) => [a.alg, a.size]),
    [
      ["SHA-384", 48],
      ["SM3", 32],
    ],
  );
  assert.equal(events.length, 0);
});
