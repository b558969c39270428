/**
 * UEFI device path rendering for EV_EFI_BOOT_SERVICES_APPLICATION events, producing exactly the
 * strings Trustee's eventlog crate produces (deps/eventlog/src/ccel/device_paths/*.rs), quirks
 * included, because policies compare these strings. Node layout: UEFI 2.10 §10.3 "Device Path
 * Nodes" — Type u8, SubType u8, Length u16 (LE, including the 4-byte header), then data.
 */
import type { ByteReader } from "./reader.ts";
import { decodeUtf16LeLossy, decodeUtf8Strict, hex } from "./text.ts";

/** Render every node of a device path; node framing errors throw (where Trustee would panic). */
export function renderDevicePaths(reader: ByteReader): string[] {
  const out: string[] = [];
  // Each iteration consumes at least the 4-byte header, so this terminates on any input.
  do {
    const type = reader.u8("DevicePath.Type");
    const subType = reader.u8("DevicePath.SubType");
    const length = reader.u16("DevicePath.Length");
    if (length < 4)
      reader.fail(`device path node length ${length} is below the 4-byte header`, "DevicePath.Length");
    const data = reader.take(length - 4, "DevicePath.Data");
    out.push(renderNode(type, subType, data));
  } while (reader.remaining > 0);
  return out;
}

/** One node; a node Trustee cannot decode becomes its generic `Path(type,subtype,hex)` form. */
export function renderNode(type: number, subType: number, data: Uint8Array): string {
  return formatKnownNode(type, subType, data) ?? `Path(${type},${subType},${hex(data)})`;
}

function formatKnownNode(type: number, subType: number, data: Uint8Array): string | undefined {
  if (type === 0x01 && subType === 0x01) return formatPci(data);
  if (type === 0x02 && subType === 0x01) return formatAcpi(data);
  if (type === 0x03) {
    if (subType === 0x05) return formatUsb(data);
    if (subType === 0x0b) return formatMac(data);
    if (subType === 0x0c) return formatIpv4(data);
    if (subType === 0x15) return formatFibreEx(data);
  }
  if (type === 0x04) {
    if (subType === 0x01) return formatHardDrive(data);
    if (subType === 0x03) return formatVendorMedia(data);
    if (subType === 0x04) return formatFilePath(data);
  }
  if (type === 0x05 && subType === 0x01) return formatBbs(data);
  return undefined;
}

const u16le = (d: Uint8Array, o: number): number => d[o]! | (d[o + 1]! << 8);
const u32le = (d: Uint8Array, o: number): number =>
  (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;
const u64le = (d: Uint8Array, o: number): bigint => (BigInt(u32le(d, o + 4)) << 32n) | BigInt(u32le(d, o));

/** PCI (1,1): Function u8, Device u8 → "Pci(function,device)". */
function formatPci(d: Uint8Array): string | undefined {
  if (d.length < 2) return undefined;
  return `Pci(${d[0]},${d[1]})`;
}

/** ACPI (2,1): _HID as compressed EISA id (3 letters + 4 hex digits), _UID decimal. */
function formatAcpi(d: Uint8Array): string | undefined {
  if (d.length < 8) return undefined;
  const hid = u32le(d, 0);
  const uid = u32le(d, 4);
  const vendor = hid & 0xffff;
  const letter = (v: number): string => String.fromCharCode((v & 0x1f) + 0x40);
  const device = (hid >>> 16).toString(16).toUpperCase().padStart(4, "0");
  return `ACPI(${letter(vendor >> 10)}${letter(vendor >> 5)}${letter(vendor)}${device},${uid})`;
}

function formatUsb(d: Uint8Array): string | undefined {
  if (d.length < 2) return undefined;
  return `USB(${d[0]},${d[1]})`;
}

/**
 * MAC (3,11): 32-byte address + IfType. Trustee renders only the first 31 bytes and strips
 * trailing '0' hex digits; reproduced exactly so the strings match its claims.
 */
function formatMac(d: Uint8Array): string | undefined {
  if (d.length !== 33) return undefined;
  const mac = hex(d.subarray(0, 31)).replace(/0+$/, "").toUpperCase();
  return `Mac(${mac},0x${d[32]!.toString(16).padStart(2, "0")})`;
}

/**
 * IPv4 (3,12). Trustee reads each address as a little-endian u32 and prints it with
 * Ipv4Addr::from_bits, which reverses the octets; reproduced so the strings match.
 */
function formatIpv4(d: Uint8Array): string | undefined {
  if (d.length < 23) return undefined;
  const ip = (o: number): string => `${d[o + 3]}.${d[o + 2]}.${d[o + 1]}.${d[o]}`;
  const protocolNumber = u16le(d, 12);
  const protocol = protocolNumber === 6 ? "TCP" : protocolNumber === 17 ? "UDP" : "";
  const origin = d[14] === 0 ? "DHCP" : d[14] === 1 ? "Static" : "";
  const gateway = u32le(d, 15);
  const mask = u32le(d, 19);
  const extra = gateway !== 0 || mask !== 0 ? `,${gateway},${mask}` : "";
  return `IPv4(${ip(4)},${protocol},${origin},${ip(0)}${extra})`;
}

function formatFibreEx(d: Uint8Array): string | undefined {
  if (d.length < 16) return undefined;
  return `FibreEx(0x${hex(d.subarray(0, 8))},0x${hex(d.subarray(8, 16))})`;
}

/**
 * Hard drive (4,1): PartitionNumber u32, Start u64, Size u64, Signature[16], Format u8,
 * SignatureType u8 (UEFI 2.10 §10.3.5.1).
 */
function formatHardDrive(d: Uint8Array): string | undefined {
  // Trustee checks for 37 bytes but reads byte 37 (panicking on exactly 37): require 38.
  if (d.length < 38) return undefined;
  const partition = u32le(d, 0);
  const signature = d.subarray(20, 36);
  let prefix: string;
  let sig: string;
  if (d[36] === 0x01) {
    prefix = "MBR";
    sig = `0x${u32le(signature, 0).toString(16).padStart(8, "0")}`;
  } else if (d[36] === 0x02) {
    prefix = "GPT";
    sig = formatUefiGuid(signature);
  } else {
    return undefined;
  }
  const range = partition !== 0 ? `,0x${u64le(d, 4).toString(16)},0x${u64le(d, 12).toString(16)}` : "";
  return `HD(${partition},${prefix},${sig}${range})`;
}

function formatVendorMedia(d: Uint8Array): string | undefined {
  if (d.length < 16) return undefined;
  return `VenMedia(${formatUefiGuid(d.subarray(0, 16))},${hex(d.subarray(16))})`;
}

/** File path (4,4): NUL-terminated UTF-16LE; the last code unit (the NUL) is dropped. */
function formatFilePath(d: Uint8Array): string | undefined {
  if (d.length === 0 || d.length % 2 !== 0) return undefined;
  return `File(${decodeUtf16LeLossy(d.subarray(0, d.length - 2))})`;
}

const BBS_DEVICE_TYPES: ReadonlyMap<number, string> = new Map([
  [0x01, "FLOPPY"],
  [0x02, "HARD_DRIVE"],
  [0x03, "CDROM"],
  [0x04, "PCMCIA"],
  [0x05, "USB"],
  [0x06, "EMBEDDED_NETWORK"],
  [0x80, "DEV"],
  [0xff, "UNKNOWN"],
]);

/** BIOS boot specification (5,1): DeviceType u16, StatusFlag u16, NUL-terminated ASCII description. */
function formatBbs(d: Uint8Array): string | undefined {
  if (d.length < 4) return undefined;
  const deviceType = u16le(d, 0);
  const status = u16le(d, 2);
  const rest = d.subarray(4);
  const nul = rest.indexOf(0);
  const description = decodeUtf8Strict(nul === -1 ? rest : rest.subarray(0, nul));
  if (description === undefined) return undefined;
  return `BBS(${BBS_DEVICE_TYPES.get(deviceType) ?? String(deviceType)},${description},${status})`;
}

/** EFI_GUID text form: Data1-3 little-endian, Data4 bytes in order, upper case. */
export function formatUefiGuid(g: Uint8Array): string {
  const h = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, "0");
  const tail = Array.from(g.subarray(8, 16), (b) => h(b, 2));
  return `${h(u32le(g, 0), 8)}-${h(u16le(g, 4), 4)}-${h(u16le(g, 6), 4)}-${tail.slice(0, 2).join("")}-${tail.slice(2).join("")}`;
}
