/**
 * Encode and decode SEV-SNP reports through the field table in layout.ts. Encoding starts from an all-zero
 * buffer, so every reserved (MBZ) byte is zero, as firmware produces it.
 */
import { SimulatorInputError } from "../errors.ts";
import { SNP_FIELDS, SNP_REPORT_SIZE, type SnpField } from "./layout.ts";

export type SnpFieldValues = Record<string, number | bigint | Uint8Array>;

function fieldApplies(field: SnpField, version: number): boolean {
  return field.since === undefined || version >= field.since;
}

export function encodeSnpFields(values: SnpFieldValues): Uint8Array {
  const version = values["version"];
  if (typeof version !== "number") throw new SimulatorInputError("SNP report needs a numeric version");
  const out = new Uint8Array(SNP_REPORT_SIZE);
  const view = new DataView(out.buffer);
  for (const field of SNP_FIELDS) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (!fieldApplies(field, version)) {
      throw new SimulatorInputError(`SNP report v${version} has no ${field.name} (needs v${field.since}+)`);
    }
    switch (field.kind) {
      case "u8":
        view.setUint8(field.offset, Number(value));
        break;
      case "u32":
        view.setUint32(field.offset, Number(value), true);
        break;
      case "u64":
        view.setBigUint64(field.offset, BigInt(value as number | bigint), true);
        break;
      case "bytes": {
        if (!(value instanceof Uint8Array) || value.length > field.size) {
          throw new SimulatorInputError(`SNP field ${field.name} must be at most ${field.size} bytes`);
        }
        out.set(value, field.offset);
        break;
      }
    }
  }
  return out;
}

export function decodeSnpFields(report: Uint8Array): SnpFieldValues {
  if (report.length !== SNP_REPORT_SIZE) {
    throw new SimulatorInputError(`SNP report must be ${SNP_REPORT_SIZE} bytes, got ${report.length}`);
  }
  const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
  const version = view.getUint32(0, true);
  const out: SnpFieldValues = {};
  for (const field of SNP_FIELDS) {
    if (!fieldApplies(field, version)) continue;
    switch (field.kind) {
      case "u8":
        out[field.name] = view.getUint8(field.offset);
        break;
      case "u32":
        out[field.name] = view.getUint32(field.offset, true);
        break;
      case "u64":
        out[field.name] = view.getBigUint64(field.offset, true);
        break;
      case "bytes":
        out[field.name] = report.slice(field.offset, field.offset + field.size);
        break;
    }
  }
  return out;
}
