/**
 * Bad input never crashes or hangs the parser: truncation at every offset, absurd counts and
 * sizes in every length field, and random corruption all end in either a parse or an
 * EventLogFormatError naming an offset inside the input and the field.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventLogFormatError, parseCcEventLog } from "./index.ts";
import { buildLog, specIdHeader, u32, type SyntheticEvent } from "./test-logs.ts";
import { OVMF_LOG as OVMF } from "./ovmf-vector.ts";

const OVMF_EVENTS = parseCcEventLog(OVMF);
const OVMF_END = OVMF_EVENTS.at(-1)!.offset + OVMF_EVENTS.at(-1)!.length;

/** Parse, and if it throws, require a typed error whose offset lies within the input. */
function parseOrTypedError(bytes: Uint8Array): EventLogFormatError | undefined {
  try {
    parseCcEventLog(bytes);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof EventLogFormatError, `untyped error: ${String(err)}`);
    assert.equal(err.code, "ERR_EVENTLOG_FORMAT");
    const offset = err.details?.offset as number;
    assert.ok(
      Number.isInteger(offset) && offset >= 0 && offset <= bytes.length,
      `offset ${offset} outside 0..${bytes.length}`,
    );
    assert.equal(typeof err.details?.field, "string");
    return err;
  }
}

function expectError(bytes: Uint8Array, field: string | RegExp): EventLogFormatError {
  const err = parseOrTypedError(bytes);
  assert.ok(err, "expected an EventLogFormatError");
  if (typeof field === "string") assert.equal(err.details?.field, field);
  else assert.match(String(err.details?.field), field);
  return err;
}

test("truncating the OVMF log at every byte: a prefix of the events or a typed error", () => {
  let parsedCuts = 0;
  for (let cut = 0; cut <= OVMF_END; cut++) {
    const prefix = OVMF.subarray(0, cut);
    if (parseOrTypedError(prefix) !== undefined) continue;
    parsedCuts++;
    const events = parseCcEventLog(prefix);
    // Only cuts at event boundaries parse, and they give exactly the events before the cut.
    assert.ok(events.every((e) => e.offset + e.length <= cut));
    assert.equal(events.length, OVMF_EVENTS.filter((e) => e.offset + e.length <= cut).length);
  }
  assert.equal(parsedCuts, OVMF_EVENTS.length + 1); // after the header and after each event
});

const sha384 = (fill: number): [number, Uint8Array] => [0x000c, new Uint8Array(48).fill(fill)];
const ev = (over: Partial<SyntheticEvent>): SyntheticEvent => ({
  index: 1,
  type: 0x80000007,
  digests: [sha384(1)],
  data: Buffer.from("ok"),
  ...over,
});

test("a synthetic well-formed log parses (the baseline the mutations below start from)", () => {
  const events = parseCcEventLog(buildLog([ev({}), ev({ index: 2 })]));
  assert.deepEqual(
    events.map((e) => [e.index, e.typeName, e.details.string]),
    [
      [1, "EV_EFI_ACTION", "ok"],
      [2, "EV_EFI_ACTION", "ok"],
    ],
  );
});

test("absurd counts and sizes in the header fail at the field", () => {
  const header = specIdHeader();
  const numberOfAlgorithms = 32 + 24; // header prefix (PCRIndex..EventSize) + Spec ID fields before the count
  const huge = Buffer.from(header);
  huge.writeUInt32LE(0xffffffff, numberOfAlgorithms);
  expectError(buildLog([], huge), "TCG_EfiSpecIDEvent.numberOfAlgorithms");

  const bigEvent = Buffer.from(header);
  bigEvent.writeUInt32LE(0xffffffff, 28);
  expectError(buildLog([], bigEvent), "TCG_PCR_EVENT.Event");

  expectError(buildLog([], specIdHeader([[0x0099, 48]])), "TCG_EfiSpecIDEvent.digestSizes.algorithmId");
  const vendor = Buffer.from(header);
  vendor[vendor.length - 1] = 200; // vendorInfoSize beyond the event
  expectError(vendor, "TCG_EfiSpecIDEvent.vendorInfo");
  const trailing = Buffer.concat([header, Buffer.alloc(0)]);
  trailing.writeUInt32LE(trailing.readUInt32LE(28) + 1, 28); // EventSize one larger than the Spec ID struct
  expectError(
    Buffer.concat([trailing, Buffer.alloc(16, 0xff)]),
    /TCG_PCR_EVENT\.EventSize|TCG_PCR_EVENT\.Event/,
  );
  expectError(Buffer.alloc(0), "TCG_PCR_EVENT.PCRIndex");
});

test("a first event that is not the EV_NO_ACTION Spec ID event is rejected", () => {
  const header = Buffer.from(specIdHeader());
  header.writeUInt32LE(0x80000007, 4);
  expectError(buildLog([ev({})], header), "TCG_PCR_EVENT.EventType");
});

test("absurd counts and sizes in events fail at the field", () => {
  const base = buildLog([ev({})]);
  const at = specIdHeader().length;
  const set = (offset: number, value: number): Buffer => {
    const b = Buffer.from(base);
    b.writeUInt32LE(value, at + offset);
    return b;
  };
  expectError(set(4, 0x12345678), "TCG_PCR_EVENT2.EventType");
  expectError(set(8, 0xffffffff), "TPML_DIGEST_VALUES.count");
  expectError(set(8, 2), /TPMT_HA\.hashAlg|TPMT_HA\.digest|TCG_PCR_EVENT2\.EventSize/);
  expectError(set(12 + 2 + 48, 0xffffffff), "TCG_PCR_EVENT2.Event");
  expectError(buildLog([ev({ digests: [[0x000b, new Uint8Array(32)]] })]), "TPMT_HA.hashAlg");
  expectError(Buffer.concat([specIdHeader(), Buffer.from([1, 0, 0])]), "TCG_PCR_EVENT2.PCRIndex");
});

test("a declared non-hash algorithm (RSA) in a digest list is rejected, as Trustee does", () => {
  const log = buildLog([ev({ digests: [[0x0001, new Uint8Array(4)]] })], specIdHeader([[0x0001, 4]]));
  expectError(log, "TPMT_HA.hashAlg");
});

test("absurd sizes inside event data fail at the field", () => {
  const u64 = (n: bigint): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    return b;
  };
  const guid = Buffer.alloc(16, 0x11);
  const efiVar = (nameLen: bigint, dataLen: bigint): SyntheticEvent =>
    ev({
      type: 0x80000001,
      data: Buffer.concat([guid, u64(nameLen), u64(dataLen), Buffer.from("A\0", "latin1")]),
    });
  expectError(buildLog([efiVar(0x7fffffffffffffffn, 0n)]), "UEFI_VARIABLE_DATA.UnicodeName");
  expectError(buildLog([efiVar(0xffffffffffffffffn, 0n)]), "UEFI_VARIABLE_DATA.UnicodeName");
  expectError(buildLog([efiVar(1n, 0xffffffffffffffffn)]), "UEFI_VARIABLE_DATA.VariableData");
  expectError(buildLog([ev({ type: 0x80000001, data: guid })]), "UEFI_VARIABLE_DATA.UnicodeNameLength");

  const image = (pathLen: bigint, path: Buffer): SyntheticEvent =>
    ev({ type: 0x80000003, data: Buffer.concat([Buffer.alloc(24), u64(pathLen), path]) });
  expectError(buildLog([image(0xffffffffffffffffn, Buffer.alloc(8))]), "UEFI_IMAGE_LOAD_EVENT.DevicePath");
  expectError(buildLog([image(2n, Buffer.alloc(2))]), "UEFI_IMAGE_LOAD_EVENT.LengthOfDevicePath");
  expectError(buildLog([image(4n, Buffer.from([0x7f, 0xff, 4, 0]))]), "UEFI_IMAGE_LOAD_EVENT.DevicePath");
  // Device path nodes whose length is below the header or beyond the path.
  const node = (len: number): Buffer => Buffer.from([4, 4, len & 0xff, len >> 8, 0, 0, 0x7f, 0xff, 4, 0]);
  expectError(buildLog([image(10n, node(0))]), "DevicePath.Length");
  expectError(buildLog([image(10n, node(2))]), "DevicePath.Length");
  expectError(buildLog([image(10n, node(0xffff))]), "DevicePath.Data");
  expectError(buildLog([image(9n, Buffer.from([4, 4, 4, 0, 1, 0x7f, 0xff, 4, 0]))]), "DevicePath.SubType");

  const tag = (id: number, size: number, body: string): SyntheticEvent =>
    ev({ type: 0x6, data: Buffer.concat([u32(id), u32(size), Buffer.from(body)]) });
  expectError(buildLog([tag(1, 0xffffffff, "x")]), "TaggedEvent.TaggedEventData");
  expectError(buildLog([tag(0x4141454c, 6, "nospac")]), "TaggedEvent.TaggedEventData");
  expectError(buildLog([ev({ type: 0x6, data: Buffer.from([1, 2]) })]), "TaggedEvent.TaggedEventID");

  expectError(
    buildLog([ev({ type: 0x8000000b, data: Buffer.from([0]) })]),
    "EV_EFI_HANDOFF_TABLES2.DescriptionSize",
  );
  expectError(
    buildLog([ev({ type: 0x8000000b, data: Buffer.from([200, 0x41]) })]),
    "EV_EFI_HANDOFF_TABLES2.Description",
  );
  expectError(buildLog([ev({ data: Buffer.from([0xff, 0xfe]) })]), "EV_EFI_ACTION.Event");
  expectError(buildLog([ev({ type: 0xd, data: Buffer.from([0x2e]) })]), "EV_IPL.Event");
  expectError(buildLog([ev({ type: 0xd, data: Buffer.from([0x2e, 0, 0x41]) })]), "EV_IPL.Event");
});

test("random corruption of a real log: always a parse or a typed error", () => {
  // Deterministic xorshift32, so a failure reproduces.
  let state = 0x9e3779b9;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const used = OVMF.subarray(0, OVMF_END + 16);
  let errors = 0;
  for (let round = 0; round < 400; round++) {
    const mutated = Buffer.from(used);
    const flips = 1 + (next() % 4);
    for (let i = 0; i < flips; i++) {
      const at = next() % mutated.length;
      mutated[at] = next() % 3 === 0 ? 0xff : next() & 0xff;
    }
    if (parseOrTypedError(mutated) !== undefined) errors++;
  }
  assert.ok(errors > 0, "some corruptions must be detected");
});
