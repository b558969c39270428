/**
 * Decoded event data ("details") for each event type, exactly as Trustee's eventlog crate
 * produces it (deps/eventlog/src/ccel/*.rs, dispatch in tcg_enum.rs `get_parser`). Where Trustee
 * returns an error the whole log is rejected, so these throw EventLogFormatError; where Trustee
 * would panic on malformed input we throw too (the log is rejected either way, never a crash).
 */
import { renderDevicePaths } from "./device-path.ts";
import { ByteReader } from "./reader.ts";
import {
  base64,
  decodeUtf16LeLossy,
  decodeUtf16LeStrict,
  decodeUtf8Lossy,
  decodeUtf8Strict,
  hex,
} from "./text.ts";

/** Trustee's `EventDetails`: absent fields are omitted from the JSON (serde skip_serializing_if). */
export interface EventDetails {
  string?: string;
  unicode_name?: string;
  unicode_name_length?: number;
  variable_data?: string;
  variable_data_length?: number;
  variable_name?: string;
  device_paths?: string[];
  data?: unknown;
}

/** The AA event log entry Trustee puts in `details.data` for AAEL-tagged events. */
export interface AaelEventEntry {
  domain: string;
  operation: string;
  content: unknown;
}

type DetailsParser = (data: Uint8Array, offset: number, typeName: string) => EventDetails;

/** Event-data parser per event type name; every other type gets empty details (EvBlankParser). */
const PARSERS: Readonly<Record<string, DetailsParser>> = {
  EV_POST_CODE: parseUtf8String,
  EV_ACTION: parseUtf8String,
  EV_COMPACT_HASH: parseUtf8String,
  EV_OMIT_BOOT_DEVICE_EVENTS: parseUtf8String,
  EV_EFI_ACTION: parseUtf8String,
  EV_EVENT_TAG: parseEventTag,
  EV_PLATFORM_CONFIG_FLAGS: parsePlatformConfigFlags,
  EV_IPL: parseIpl,
  EV_EFI_VARIABLE_DRIVER_CONFIG: parseEfiVariable,
  EV_EFI_VARIABLE_BOOT: parseEfiVariable,
  EV_EFI_VARIABLE_BOOT2: parseEfiVariable,
  EV_EFI_VARIABLE_AUTHORITY: parseEfiVariable,
  EV_EFI_BOOT_SERVICES_APPLICATION: parseBootServicesApplication,
  EV_EFI_PLATFORM_FIRMWARE_BLOB2: parseLengthPrefixedString,
  EV_EFI_HANDOFF_TABLES2: parseLengthPrefixedString,
};

/** Decode `data` (the event's bytes, found at `offset` in the log) for an event of `typeName`. */
export function parseEventDetails(typeName: string, data: Uint8Array, offset: number): EventDetails {
  const parser = PARSERS[typeName];
  return parser === undefined ? {} : parser(data, offset, typeName);
}

/** EvSimpleParser: the whole event is UTF-8 text; invalid UTF-8 rejects the log. */
function parseUtf8String(data: Uint8Array, offset: number, typeName: string): EventDetails {
  const text = decodeUtf8Strict(data);
  if (text === undefined)
    new ByteReader(data, offset).fail(`${typeName} event is not valid UTF-8`, `${typeName}.Event`);
  return { string: text };
}

/**
 * SimpleStringParser (EV_EFI_PLATFORM_FIRMWARE_BLOB2 / EV_EFI_HANDOFF_TABLES2, PFP §10.4.4 /
 * §10.4.5.2): a u8 description size (counting a trailing NUL) then the description. Trustee
 * keeps bytes [1, size) — the description without its NUL.
 */
function parseLengthPrefixedString(data: Uint8Array, offset: number, typeName: string): EventDetails {
  const reader: ByteReader = new ByteReader(data, offset);
  const size = reader.u8(`${typeName}.DescriptionSize`);
  if (size === 0) reader.fail("description size is 0", `${typeName}.DescriptionSize`);
  if (data.length < size)
    reader.fail(`description needs ${size} bytes, event has ${data.length}`, `${typeName}.Description`);
  const text = decodeUtf8Strict(data.subarray(1, size));
  if (text === undefined) reader.fail("description is not valid UTF-8", `${typeName}.Description`);
  return { string: text };
}

/** Trustee's tag for AA event log entries carried in EV_EVENT_TAG events: ASCII "LEAA" read as a LE u32. */
const AAEL_TAGGED_EVENT_ID = 0x4141454c;

/**
 * EV_EVENT_TAG (PFP §10.4.2 TCG_PCClientTaggedEvent): TaggedEventID u32, TaggedEventDataSize u32,
 * data. The data is shown as text with NULs removed; an AAEL-tagged event (Trustee
 * kbs/docs/confidential-containers-eventlog.md) also gets `unicode_name: "AAEL"` and `data`.
 */
function parseEventTag(data: Uint8Array, offset: number): EventDetails {
  const reader: ByteReader = new ByteReader(data, offset);
  const id = reader.u32("TaggedEvent.TaggedEventID");
  const size = reader.u32("TaggedEvent.TaggedEventDataSize");
  const tagged = reader.take(size, "TaggedEvent.TaggedEventData");
  const details: EventDetails = { string: decodeUtf8Lossy(tagged).replaceAll("\0", "") };
  if (id === AAEL_TAGGED_EVENT_ID) {
    const text = decodeUtf8Strict(tagged);
    if (text === undefined) reader.fail("AAEL event data is not valid UTF-8", "TaggedEvent.TaggedEventData");
    const entry = parseAaelEntry(text);
    if (entry === undefined)
      reader.fail("AAEL event has no '<domain> <operation> <content>' form", "TaggedEvent.TaggedEventData");
    details.data = entry;
    details.unicode_name = "AAEL";
  }
  return details;
}

/**
 * One AAEL event entry "<domain> <operation> <content>" (split at the first two spaces). The
 * content is kept as JSON when it parses as JSON, else as a string (Trustee `AaelEventEntry`).
 * Returns undefined when there are fewer than two spaces.
 */
export function parseAaelEntry(text: string): AaelEventEntry | undefined {
  const first = text.indexOf(" ");
  if (first === -1) return undefined;
  const second = text.indexOf(" ", first + 1);
  if (second === -1) return undefined;
  const contentText = text.slice(second + 1);
  let content: unknown;
  try {
    content = JSON.parse(contentText);
  } catch {
    content = contentText;
  }
  return { domain: text.slice(0, first), operation: text.slice(first + 1, second), content };
}

/**
 * EV_PLATFORM_CONFIG_FLAGS (td-shim writes the kernel command line here as "td_payload_info"
 * + descriptor + length + text): UTF-8 or nothing, DLE (0x10) becomes a space, then every
 * control character (Unicode Cc) is dropped — Trustee platform_config_flags.rs.
 */
function parsePlatformConfigFlags(data: Uint8Array): EventDetails {
  const text = decodeUtf8Strict(data) ?? "";
  return { string: text.replaceAll("\u0010", " ").replace(/\p{Cc}/gu, "") };
}

/** GRUB on Google Compute Engine logs IPL strings as UTF-16LE starting with "." (Trustee ipl.rs). */
const GCE_IPL_PREFIX = [0x2e, 0x00];

/**
 * EV_IPL (GRUB/shim: commands, kernel command lines, file names): UTF-16LE after the GCE prefix
 * (dropping the final code unit), else UTF-8 up to the first NUL, else hex of the whole event.
 */
function parseIpl(data: Uint8Array, offset: number): EventDetails {
  const reader: ByteReader = new ByteReader(data, offset);
  if (data.length < 2) reader.fail(`EV_IPL event needs at least 2 bytes, has ${data.length}`, "EV_IPL.Event");
  if (data[0] === GCE_IPL_PREFIX[0] && data[1] === GCE_IPL_PREFIX[1]) {
    const rest = data.length - 2;
    if (rest === 0 || rest % 2 !== 0)
      reader.fail("EV_IPL UTF-16 text has an odd or empty length", "EV_IPL.Event");
    return { string: decodeUtf16LeLossy(data.subarray(2, rest)) };
  }
  const nul = data.indexOf(0);
  const text = decodeUtf8Strict(nul === -1 ? data : data.subarray(0, nul));
  return { string: text ?? hex(data) };
}

/**
 * UEFI_VARIABLE_DATA (PFP §10.4.4): VariableName GUID, UnicodeNameLength u64 (in UTF-16 code
 * units), VariableDataLength u64, UnicodeName, VariableData. Trustee prints the GUID as plain
 * hex of its bytes in 4-2-2-2-6 groups (not the mixed-endian EFI_GUID text form).
 */
function parseEfiVariable(data: Uint8Array, offset: number): EventDetails {
  const reader: ByteReader = new ByteReader(data, offset);
  const guid = reader.take(16, "UEFI_VARIABLE_DATA.VariableName");
  const nameLength = reader.u64("UEFI_VARIABLE_DATA.UnicodeNameLength");
  const dataLength = reader.u64("UEFI_VARIABLE_DATA.VariableDataLength");
  const nameBytes = reader.take(nameLength * 2n, "UEFI_VARIABLE_DATA.UnicodeName");
  const name = decodeUtf16LeStrict(nameBytes);
  if (name === undefined) reader.fail("variable name is not valid UTF-16", "UEFI_VARIABLE_DATA.UnicodeName");
  const value = dataLength > 0n ? base64(reader.take(dataLength, "UEFI_VARIABLE_DATA.VariableData")) : "";
  const g = hex(guid);
  return {
    unicode_name: name,
    // Both lengths fit in the event (checked by the takes above), hence in a safe integer.
    unicode_name_length: Number(nameLength),
    variable_data: value,
    variable_data_length: Number(dataLength),
    variable_name: `${g.slice(0, 8)}-${g.slice(8, 12)}-${g.slice(12, 16)}-${g.slice(16, 20)}-${g.slice(20)}`,
  };
}

/**
 * UEFI_IMAGE_LOAD_EVENT (PFP §10.4.4): ImageLocationInMemory u64, ImageLengthInMemory u64,
 * ImageLinkTimeAddress u64, LengthOfDevicePath u64, DevicePath. Trustee renders the device path
 * minus its last 4 bytes (the End node) and gives empty details for a zero-length path.
 */
function parseBootServicesApplication(data: Uint8Array, offset: number): EventDetails {
  const reader: ByteReader = new ByteReader(data, offset);
  reader.skip(24, "UEFI_IMAGE_LOAD_EVENT.ImageLocation");
  const pathLength = reader.u64("UEFI_IMAGE_LOAD_EVENT.LengthOfDevicePath");
  if (pathLength === 0n) return {};
  if (pathLength < 4n)
    reader.fail(
      `device path length ${pathLength} is shorter than its End node`,
      "UEFI_IMAGE_LOAD_EVENT.LengthOfDevicePath",
    );
  const start = reader.position;
  const path = reader.take(pathLength - 4n, "UEFI_IMAGE_LOAD_EVENT.DevicePath");
  if (path.length < 4)
    reader.fail("device path is shorter than one node", "UEFI_IMAGE_LOAD_EVENT.DevicePath");
  return { device_paths: renderDevicePaths(new ByteReader(path, start)) };
}
