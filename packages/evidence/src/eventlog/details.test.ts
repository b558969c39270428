/**
 * Event-data decoding and device-path rendering against the known answers in Trustee's own unit
 * tests (deps/eventlog/src/ccel/**), quirks included: these strings are what policies compare.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAaelEntry, parseEventDetails } from "./details.ts";
import { renderNode } from "./device-path.ts";
import { EventLogFormatError } from "./errors.ts";

const h = (hex: string): Buffer => Buffer.from(hex, "hex");

test("device path nodes render like Trustee's", () => {
  const cases: [number, number, string, string][] = [
    [2, 1, "d041030a00000000", "ACPI(PNP0A03,0)"],
    [2, 1, "d041030a02000000", "ACPI(PNP0A03,2)"],
    [5, 1, "0500000000", "BBS(USB,,0)"],
    [5, 1, "F0FF000000", "BBS(65520,,0)"],
    [5, 1, "8000000041424300", "BBS(DEV,ABC,0)"],
    [1, 1, "0001", "Pci(0,1)"],
    [1, 1, "0004", "Pci(0,4)"],
    [
      4,
      1,
      "0f000000002800000000000000500300000000005e27f1007553d5439eb5de2add4c99320202",
      "HD(15,GPT,00F1275E-5375-43D5-9EB5-DE2ADD4C9932,0x2800,0x35000)",
    ],
    [
      4,
      1,
      "0100000000080000000000000000100000000000e9a896cbdcade74bb68e69b6d1ea59cb0202",
      "HD(1,GPT,CB96A8E9-ADDC-4BE7-B68E-69B6D1EA59CB,0x800,0x100000)",
    ],
    [
      4,
      1,
      "00000000000000000000000000000000000000000000000000000000431202a0000000000101",
      "HD(0,MBR,0x00000000)",
    ],
    [
      4,
      1,
      "01000000000800000000000000E02E0000000000431202a000000000431202a0000000000101",
      "HD(1,MBR,0xa0021243,0x800,0x2ee000)",
    ],
    [4, 3, "f8d1c555cd04b5468a20e56cbb3052d0", "VenMedia(55C5D1F8-04CD-46B5-8A20-E56CBB3052D0,)"],
    [4, 4, "6b00650072006e0065006c000000", "File(kernel)"],
    [
      4,
      4,
      "5c004500460049005c0042004f004f0054005c0042004f004f0054005800360034002e004500460049000000",
      "File(\\EFI\\BOOT\\BOOTX64.EFI)",
    ],
    [3, 5, "0000", "USB(0,0)"],
    [3, 11, "001320f5fa77000000000000000000000000000000000000000000000000000001", "Mac(001320F5FA77,0x01)"],
    [3, 12, "0100A8C06400A8C00000BC0C0600010000000000000000", "IPv4(192.168.0.100,TCP,Static,192.168.0.1)"],
    [3, 21, "00010203040506070001020304050607", "FibreEx(0x0001020304050607,0x0001020304050607)"],
  ];
  for (const [type, subType, data, expected] of cases)
    assert.equal(renderNode(type, subType, h(data)), expected, expected);
});

test("unknown or undecodable nodes fall back to Path(type,subtype,hex)", () => {
  assert.equal(renderNode(2, 2, h("30303030")), "Path(2,2,30303030)"); // unsupported ACPI subtype
  assert.equal(renderNode(1, 1, h("00")), "Path(1,1,00)"); // PCI too short
  assert.equal(renderNode(0x7f, 0x01, h("")), "Path(127,1,)"); // end-of-instance node
  assert.equal(renderNode(4, 1, h("00".repeat(37))), "Path(4,1," + "00".repeat(37) + ")"); // HD one byte short
  assert.equal(renderNode(4, 4, h("410042")), "Path(4,4,410042)"); // odd-length file path
});

test("EV_EFI_BOOT_SERVICES_APPLICATION device paths (Trustee boot_services_app.rs cases)", () => {
  const details = parseEventDetails(
    "EV_EFI_BOOT_SERVICES_APPLICATION",
    h(
      "18406a7d0000000008c00e00000000000000000000000000820000000000000002010c00d041030a0000000001010600000101010600000001010600000101010600000004012a000f000000002800000000000000500300000000005e27f1007553d5439eb5de2add4c99320202040430005c004500460049005c0042004f004f0054005c0042004f004f0054005800360034002e0045004600490000007fff0400",
    ),
    0,
  );
  assert.deepEqual(details.device_paths, [
    "ACPI(PNP0A03,0)",
    "Pci(0,1)",
    "Pci(0,0)",
    "Pci(0,1)",
    "Pci(0,0)",
    "HD(15,GPT,00F1275E-5375-43D5-9EB5-DE2ADD4C9932,0x2800,0x35000)",
    "File(\\EFI\\BOOT\\BOOTX64.EFI)",
  ]);
  const kernel = parseEventDetails(
    "EV_EFI_BOOT_SERVICES_APPLICATION",
    h(
      "1800b37c0000000000a2a5000000000000000000000000002a000000000000000403140072f728144ab61e44b8c39ebdd7f893c7040412006b00650072006e0065006c0000007fff0400",
    ),
    0,
  );
  assert.deepEqual(kernel, {
    device_paths: ["VenMedia(1428F772-B64A-441E-B8C3-9EBDD7F893C7,)", "File(kernel)"],
  });
  assert.deepEqual(
    parseEventDetails(
      "EV_EFI_BOOT_SERVICES_APPLICATION",
      h("009d9b7a000000008879e4000000000000000000000000000000000000000000"),
      0,
    ),
    {},
  );
});

test("EFI variables: GUID as plain grouped hex, UTF-16 name, base64 data (Trustee efi_variable.rs cases)", () => {
  assert.deepEqual(
    parseEventDetails(
      "EV_EFI_VARIABLE_BOOT",
      h(
        "61dfe48bca93d211aa0d00e098032b8c0900000000000000020000000000000042006f006f0074004f0072006400650072000000",
      ),
      0,
    ),
    {
      unicode_name: "BootOrder",
      unicode_name_length: 9,
      variable_data: "AAA=",
      variable_data_length: 2,
      variable_name: "61dfe48b-ca93-d211-aa0d-00e098032b8c",
    },
  );
  assert.deepEqual(
    parseEventDetails(
      "EV_EFI_VARIABLE_AUTHORITY",
      h(
        "50ab5d6046e00043abb63dd810dd8b2309000000000000002e0000000000000053006200610074004c006500760065006c00736261742c312c323032333031323930300a7368696d2c320a677275622c330a677275622e64656269616e2c340a",
      ),
      0,
    ),
    {
      unicode_name: "SbatLevel",
      unicode_name_length: 9,
      variable_data: "c2JhdCwxLDIwMjMwMTI5MDAKc2hpbSwyCmdydWIsMwpncnViLmRlYmlhbiw0Cg==",
      variable_data_length: 46,
      variable_name: "50ab5d60-46e0-0043-abb6-3dd810dd8b23",
    },
  );
  assert.throws(
    () =>
      parseEventDetails(
        "EV_EFI_VARIABLE_BOOT",
        h("61dfe48bca93d211aa0d00e098032b8c0a000000000000000000000000000000"),
        100,
      ),
    (e: unknown) =>
      e instanceof EventLogFormatError &&
      e.details?.field === "UEFI_VARIABLE_DATA.UnicodeName" &&
      e.details.offset === 132,
  );
});

test("EV_IPL: UTF-8 to the first NUL, GCE UTF-16 form, hex fallback (Trustee ipl.rs cases)", () => {
  const ipl = (hex: string): string | undefined => parseEventDetails("EV_IPL", h(hex), 0).string;
  assert.equal(ipl("4d6f"), "Mo");
  assert.equal(ipl("4d6f6b4c69737400"), "MokList");
  assert.equal(ipl("2e006c0069006e00750078000000"), "linux");
  assert.equal(ipl("2e0063006d0064006c0069006e0065000000"), "cmdline");
  assert.equal(ipl("677275625f636d64207365742070616765723d310000"), "grub_cmd set pager=1");
  assert.equal(ipl("ff41"), "ff41"); // not UTF-8 → hex of the whole event
  assert.throws(() => ipl("2e00"), EventLogFormatError);
});

test("strings: EV_EVENT_TAG, length-prefixed blob/table names, platform config flags", () => {
  assert.deepEqual(
    parseEventDetails(
      "EV_EVENT_TAG",
      h("ed223b8f1a0000004c4f414445445f494d4147453a3a4c6f61644f7074696f6e7300"),
      0,
    ),
    {
      string: "LOADED_IMAGE::LoadOptions",
    },
  );
  assert.deepEqual(
    parseEventDetails(
      "EV_EFI_HANDOFF_TABLES2",
      h("095464785461626c65000100000000000000af96bb93f2b9b84e9462e0ba745642360090800000000000"),
      0,
    ),
    {
      string: "TdxTable",
    },
  );
  assert.deepEqual(
    parseEventDetails(
      "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
      h(
        "2946762834384442354531372d373037432d343732442d393143442d31363133453745463531423029000000e0ff000000000000020000000000",
      ),
      0,
    ),
    { string: "Fv(48DB5E17-707C-472D-91CD-1613E7EF51B0)" },
  );
  // td-shim's kernel command line event: DLE becomes a space, other control characters vanish.
  const cmdline = Buffer.concat([
    Buffer.from("td_payload_info\0\0\u0010\0\0root=/dev/vda1 console=hvc0 rw", "latin1"),
    Buffer.alloc(16),
  ]);
  assert.deepEqual(parseEventDetails("EV_PLATFORM_CONFIG_FLAGS", cmdline, 0), {
    string: "td_payload_info root=/dev/vda1 console=hvc0 rw",
  });
  assert.deepEqual(parseEventDetails("EV_PLATFORM_CONFIG_FLAGS", h("ff"), 0), { string: "" });
  assert.deepEqual(parseEventDetails("EV_SEPARATOR", h("00000000"), 0), {});
  assert.deepEqual(
    parseEventDetails("EV_EFI_ACTION", Buffer.from("Calling EFI Application from Boot Option"), 0),
    {
      string: "Calling EFI Application from Boot Option",
    },
  );
});

test("AAEL entries split at the first two spaces; JSON content stays JSON", () => {
  assert.deepEqual(
    parseAaelEntry('github.com/kata-containers/kata-containers CreateContainer {"id":"abc"}'),
    {
      domain: "github.com/kata-containers/kata-containers",
      operation: "CreateContainer",
      content: { id: "abc" },
    },
  );
  assert.deepEqual(parseAaelEntry("d op content with spaces"), {
    domain: "d",
    operation: "op",
    content: "content with spaces",
  });
  assert.deepEqual(parseAaelEntry("d op "), { domain: "d", operation: "op", content: "" });
  assert.equal(parseAaelEntry("only-one space"), undefined);
});
