/**
 * The ValuesOfCorrectType rule (gqlparser rules/values_of_correct_type.go) for one input value whose
 * expected type the walker knows: literals of the wrong kind, unknown enum values, missing or unknown
 * input-object fields, with gqlparser's messages and suggestions.
 */
import type { Obj } from "./parser.ts";
import { suggestQuoted, suggestUnquoted } from "./suggest.ts";
import { BUILTIN_SCALARS, list, obj, str, typeString, valueText } from "./validate.ts";

export interface Found {
  message: string;
  at: Obj;
}

/** Whether Go's strconv.ParseInt(raw, 10, bits) succeeds. */
function fitsInt(raw: string, bits: bigint): boolean {
  if (!/^[+-]?\d+$/.test(raw)) return false;
  const n = BigInt(raw);
  const max = (1n << (bits - 1n)) - 1n;
  return n <= max && n >= -max - 1n;
}

/** ValuesOfCorrectType for one typed value: every error it raises, in gqlparser's order. */
export function valuesOfCorrectType(
  value: Obj,
  expected: Obj,
  def: Obj,
  variableDefault: (variable: Obj) => Obj | undefined,
): Found[] {
  const found: Found[] = [];
  const add = (message: string, at: Obj): void => {
    found.push({ message, at });
  };
  const kind = value.Kind;
  const v = valueText(value);
  const expectedText = typeString(expected);
  const unexpected = (): void => add(unexpectedTypeMessage(value, expectedText, def), value);
  if (kind === 6 && expected.NonNull === true)
    add(`Expected value of type "${expectedText}", found ${v}.`, value);
  const dk = str(def, "Kind");
  const dn = str(def, "Name");
  if (dk === "SCALAR" && !BUILTIN_SCALARS.has(dn)) return found; // custom scalars validate themselves
  const enums = dk === "ENUM" ? list(def, "EnumValues").map((e) => str(e, "Name")) : [];
  if (unrepresentable(value, variableDefault)) unexpected();
  const raw = str(value, "Raw");
  switch (kind) {
    case 8:
      if (!obj(expected, "Elem")) unexpected();
      break;
    case 1:
      if (!["Int", "Float", "ID"].includes(dn)) unexpected();
      break;
    case 2:
      if (dn !== "Float") unexpected();
      break;
    case 3:
    case 4:
      if (dk === "ENUM") {
        add(
          `Enum "${expectedText}" cannot represent non-enum value: ${v}.` +
            suggestQuoted("Did you mean the enum value", raw, enums),
          value,
        );
      } else if (!["String", "ID"].includes(dn)) unexpected();
      break;
    case 7:
      if (dk !== "ENUM") {
        add(
          unexpectedTypeMessage(value, expectedText, def) +
            suggestUnquoted("Did you mean the enum value", raw, enums),
          value,
        );
      } else if (!enums.includes(raw)) {
        add(
          `Value "${v}" does not exist in "${expectedText}" enum.` +
            suggestQuoted("Did you mean the enum value", raw, enums),
          value,
        );
      }
      break;
    case 5:
      if (dn !== "Boolean") unexpected();
      break;
    case 9: {
      const children = list(value, "Children");
      for (const f of list(def, "Fields")) {
        if (
          obj(f, "Type")?.NonNull !== true ||
          children.some((c) => str(c, "Name") === str(f, "Name")) ||
          obj(f, "DefaultValue")
        )
          continue;
        add(
          `Field "${dn}.${str(f, "Name")}" of required type "${typeString(obj(f, "Type"))}" was not provided.`,
          value,
        );
      }
      const names = list(def, "Fields").map((f) => str(f, "Name"));
      for (const c of children) {
        if (names.includes(str(c, "Name"))) continue;
        add(
          `Field "${str(c, "Name")}" is not defined by type "${dn}".` +
            suggestQuoted("Did you mean", str(c, "Name"), names),
          c,
        );
      }
      break;
    }
  }
  return found;
}

/** ast.Value.Value(nil) failing: an Int beyond int64 or a Float beyond float64, here or nested. */
function unrepresentable(value: Obj, variableDefault: (variable: Obj) => Obj | undefined): boolean {
  switch (value.Kind) {
    case 0: {
      const dflt = variableDefault(value);
      return dflt !== undefined && unrepresentable(dflt, variableDefault);
    }
    case 1:
      return !fitsInt(str(value, "Raw"), 64n);
    case 2:
      return !Number.isFinite(Number(str(value, "Raw")));
    case 8:
    case 9:
      return list(value, "Children").some((c) => unrepresentable(obj(c, "Value") ?? {}, variableDefault));
    default:
      return false;
  }
}

/** unexpectedTypeMessageOnly (rules/values_of_correct_type.go), keyed on the expected type's text. */
function unexpectedTypeMessage(value: Obj, expected: string, def: Obj): string {
  const v = valueText(value);
  switch (expected) {
    case "Int":
    case "Int!":
      // strconv.ParseInt(raw, 10, 32) failing with ErrRange: a well-formed integer beyond int32.
      return /^[+-]?\d+$/.test(str(value, "Raw")) && !fitsInt(str(value, "Raw"), 32n)
        ? `Int cannot represent non 32-bit signed integer value: ${v}`
        : `Int cannot represent non-integer value: ${v}`;
    case "String":
    case "String!":
    case "[String]":
      return `String cannot represent a non string value: ${v}`;
    case "Boolean":
    case "Boolean!":
      return `Boolean cannot represent a non boolean value: ${v}`;
    case "Float":
    case "Float!":
      return `Float cannot represent non numeric value: ${v}`;
    case "ID":
    case "ID!":
      return `ID cannot represent a non-string and non-integer value: ${v}`;
    default:
      return str(def, "Kind") === "ENUM"
        ? `Enum "${expected}" cannot represent non-enum value: ${v}.`
        : `Expected value of type "${expected}", found ${v}.`;
  }
}
