/**
 * GraphQL schema building and query validation after gqlparser's validator (internal/gqlparser/
 * validator: schema.go ValidateSchemaDocument, and the spec's §5 validation rules in rules/*.go),
 * with their error messages. Documents are the JSON-shaped ASTs of ./parser.ts, or the pruned ASTs
 * OPA hands back to policies (missing keys read as empty).
 */
import { parseSchemaDocument, type Json, type Obj } from "./parser.ts";
import { OverlapBudgetError, OverlapChecker, type FieldInfo } from "./overlapping.ts";
import { quotedOrList, suggestQuoted, suggestionList, suggestUnquoted } from "./suggest.ts";

export class GraphQLValidationError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, position: Json | undefined) {
    super(message);
    const p = (position ?? {}) as Obj;
    this.line = typeof p.Line === "number" ? p.Line : 0;
    this.column = typeof p.Column === "number" ? p.Column : 0;
  }
}

// ------------------------------------------------------------------ accessors over possibly-pruned ASTs

export const str = (o: Obj, k: string): string => (typeof o[k] === "string" ? (o[k] as string) : "");
export const list = (o: Obj, k: string): Obj[] => (Array.isArray(o[k]) ? (o[k] as Obj[]) : []);
export const strings = (o: Obj, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as string[]) : []);
export const obj = (o: Obj, k: string): Obj | undefined =>
  o[k] !== null && typeof o[k] === "object" && !Array.isArray(o[k]) ? (o[k] as Obj) : undefined;
const fail = (message: string, at: Obj | undefined): never => {
  throw new GraphQLValidationError(message, at?.Position);
};

/** ast.Type.Name(): the innermost named type. */
export function typeName(t: Obj | undefined): string {
  let cur = t;
  while (cur && str(cur, "NamedType") === "" && obj(cur, "Elem")) cur = obj(cur, "Elem");
  return cur ? str(cur, "NamedType") : "";
}

/** ast.Type.String(): "[Int!]!" */
export function typeString(t: Obj | undefined): string {
  if (!t) return "";
  const nn = t.NonNull === true ? "!" : "";
  return str(t, "NamedType") !== "" ? str(t, "NamedType") + nn : `[${typeString(obj(t, "Elem"))}]${nn}`;
}

// ------------------------------------------------------------------ schema

export interface Schema {
  types: Map<string, Obj>;
  directives: Map<string, Obj>;
  query: Obj | undefined;
  mutation: Obj | undefined;
  subscription: Obj | undefined;
  possibleTypes: Map<string, Obj[]>;
}

/** The spec's built-in scalars, directives and introspection types (GraphQL spec §3.5, §3.13, §4.5). */
const PRELUDE = `
scalar Int
scalar Float
scalar String
scalar Boolean
scalar ID
directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
directive @deprecated(reason: String = "No longer supported") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy(url: String!) on SCALAR
type __Schema { description: String types: [__Type!]! queryType: __Type! mutationType: __Type subscriptionType: __Type directives: [__Directive!]! }
type __Type { kind: __TypeKind! name: String description: String fields(includeDeprecated: Boolean = false): [__Field!] interfaces: [__Type!] possibleTypes: [__Type!] enumValues(includeDeprecated: Boolean = false): [__EnumValue!] inputFields: [__InputValue!] ofType: __Type specifiedBy: String }
type __Field { name: String! description: String args: [__InputValue!]! type: __Type! isDeprecated: Boolean! deprecationReason: String }
type __InputValue { name: String! description: String type: __Type! defaultValue: String }
type __EnumValue { name: String! description: String isDeprecated: Boolean! deprecationReason: String }
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
type __Directive { name: String! description: String locations: [__DirectiveLocation!]! args: [__InputValue!]! isRepeatable: Boolean! }
enum __DirectiveLocation { QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION }
`;

let preludeDoc: Obj | undefined;

function prelude(): Obj {
  if (!preludeDoc) {
    preludeDoc = parseSchemaDocument(PRELUDE);
    for (const d of list(preludeDoc, "Definitions")) d.BuiltIn = true;
  }
  return preludeDoc;
}

export const INPUT_KINDS = new Set(["SCALAR", "ENUM", "INPUT_OBJECT"]);

/** validator.ValidateSchemaDocument over the prelude merged with the given document. */
export function buildSchema(docIn: Obj): Schema {
  const doc = JSON.parse(JSON.stringify(docIn)) as Obj;
  const pre = prelude();
  const definitions = [
    ...(JSON.parse(JSON.stringify(list(pre, "Definitions"))) as Obj[]),
    ...list(doc, "Definitions"),
  ];
  const directiveDefs = [...list(pre, "Directives"), ...list(doc, "Directives")];
  const schema: Schema = {
    types: new Map(),
    directives: new Map(),
    query: undefined,
    mutation: undefined,
    subscription: undefined,
    possibleTypes: new Map(),
  };
  for (const def of definitions) {
    if (schema.types.has(str(def, "Name"))) fail(`Cannot redeclare type ${str(def, "Name")}.`, def);
    schema.types.set(str(def, "Name"), def);
  }
  const defs = [...definitions];
  for (const ext of list(doc, "Extensions")) {
    let def = schema.types.get(str(ext, "Name"));
    if (!def) {
      def = { Kind: str(ext, "Kind"), Name: str(ext, "Name"), Position: ext.Position ?? null };
      schema.types.set(str(ext, "Name"), def);
      defs.push(def);
    }
    if (str(def, "Kind") !== str(ext, "Kind")) {
      fail(
        `Cannot extend type ${str(ext, "Name")} because the base type is a ${str(def, "Kind")}, not ${str(ext, "Kind")}.`,
        ext,
      );
    }
    for (const k of ["Directives", "Interfaces", "Fields", "Types", "EnumValues"])
      def[k] = [...list(def, k), ...list(ext, k)];
  }
  const addPossible = (name: string, def: Obj | undefined): void => {
    if (!def) return;
    const l = schema.possibleTypes.get(name) ?? [];
    l.push(def);
    schema.possibleTypes.set(name, l);
  };
  for (const def of defs) {
    const kind = str(def, "Kind");
    if (kind === "UNION")
      for (const t of strings(def, "Types")) addPossible(str(def, "Name"), schema.types.get(t));
    if (kind === "OBJECT" || kind === "INPUT_OBJECT") {
      for (const i of strings(def, "Interfaces")) addPossible(i, def);
      addPossible(str(def, "Name"), def);
    }
    if (kind === "INTERFACE") for (const i of strings(def, "Interfaces")) addPossible(i, def);
  }
  for (const dir of directiveDefs) {
    const name = str(dir, "Name");
    if (schema.directives.has(name) && !["include", "skip", "deprecated", "specifiedBy"].includes(name)) {
      fail(`Cannot redeclare directive ${name}.`, dir);
    }
    if (!schema.directives.has(name)) schema.directives.set(name, dir);
  }
  const schemaDefs = list(doc, "Schema");
  if (schemaDefs.length > 1)
    fail("Cannot have multiple schema entry points, consider schema extensions instead.", schemaDefs[1]);
  for (const s of [...schemaDefs, ...list(doc, "SchemaExtension")]) {
    for (const entry of list(s, "OperationTypes")) {
      const def = schema.types.get(str(entry, "Type"));
      if (!def)
        fail(
          `Schema root ${str(entry, "Operation")} refers to a type ${str(entry, "Type")} that does not exist.`,
          entry,
        );
      const op = str(entry, "Operation") as "query" | "mutation" | "subscription";
      schema[op] = def;
    }
  }
  for (const name of [...schema.types.keys()].sort()) validateDefinition(schema, schema.types.get(name)!);
  for (const name of [...schema.directives.keys()].sort()) {
    const dir = schema.directives.get(name)!;
    validateName(name, dir);
    validateArgs(schema, list(dir, "Arguments"), dir);
  }
  if (schemaDefs.length === 0) {
    schema.query ??= schema.types.get("Query");
    schema.mutation ??= schema.types.get("Mutation");
    schema.subscription ??= schema.types.get("Subscription");
  }
  return schema;
}

function validateName(name: string, at: Obj): void {
  if (name.startsWith("__"))
    fail(`Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`, at);
}

function validateTypeRef(schema: Schema, t: Obj | undefined, at: Obj): void {
  if (!schema.types.has(typeName(t))) fail(`Undefined type ${typeName(t)}.`, (t as Obj | undefined) ?? at);
}

function validateArgs(schema: Schema, args: Obj[], directive: Obj | undefined): void {
  for (const arg of args) {
    validateName(str(arg, "Name"), arg);
    validateTypeRef(schema, obj(arg, "Type"), arg);
    const def = schema.types.get(typeName(obj(arg, "Type")))!;
    if (!INPUT_KINDS.has(str(def, "Kind"))) {
      fail(
        `cannot use ${typeString(obj(arg, "Type"))} as argument ${str(arg, "Name")} because ${str(def, "Kind")} is not a valid input type`,
        arg,
      );
    }
    validateDirectives(schema, list(arg, "Directives"), "ARGUMENT_DEFINITION", directive);
  }
}

function validateDirectives(schema: Schema, dirs: Obj[], location: string, current: Obj | undefined): void {
  for (const dir of dirs) {
    const name = str(dir, "Name");
    validateName(name, dir);
    if (current && name === str(current, "Name")) fail(`Directive ${name} cannot refer to itself.`, dir);
    const def = schema.directives.get(name);
    if (!def) fail(`Undefined directive ${name}.`, dir);
    if (!strings(def!, "Locations").includes(location))
      fail(`Directive ${name} is not applicable on ${location}.`, dir);
  }
}

function isCovariant(schema: Schema, required: Obj | undefined, actual: Obj | undefined): boolean {
  if (!required || !actual) return false;
  if (required.NonNull === true && actual.NonNull !== true) return false;
  const rn = str(required, "NamedType");
  if (rn !== "") {
    if (rn === str(actual, "NamedType")) return true;
    return (schema.possibleTypes.get(rn) ?? []).some((p) => str(p, "Name") === str(actual, "NamedType"));
  }
  if (obj(required, "Elem") && !obj(actual, "Elem")) return false;
  return isCovariant(schema, obj(required, "Elem"), obj(actual, "Elem"));
}

function sameType(a: Obj | undefined, b: Obj | undefined): boolean {
  return typeString(a) === typeString(b);
}

function validateDefinition(schema: Schema, def: Obj): void {
  const kind = str(def, "Kind");
  const name = str(def, "Name");
  const fields = list(def, "Fields");
  for (const field of fields) {
    validateName(str(field, "Name"), field);
    validateTypeRef(schema, obj(field, "Type"), field);
    validateArgs(schema, list(field, "Arguments"), undefined);
    validateDirectives(
      schema,
      list(field, "Directives"),
      kind === "INPUT_OBJECT" ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION",
      undefined,
    );
  }
  for (const t of strings(def, "Types")) {
    const td = schema.types.get(t);
    if (!td) fail(`Undefined type ${JSON.stringify(t)}.`, def);
    if (str(td!, "Kind") !== "OBJECT") fail(`${kind} type ${JSON.stringify(t)} must be OBJECT.`, def);
  }
  for (const iname of strings(def, "Interfaces")) {
    const intf = schema.types.get(iname);
    if (!intf) fail(`Undefined type ${JSON.stringify(iname)}.`, def);
    if (str(intf!, "Kind") !== "INTERFACE")
      fail(`${JSON.stringify(iname)} is a non interface type ${str(intf!, "Kind")}.`, def);
    for (const required of list(intf!, "Fields")) {
      const found = fields.find((f) => str(f, "Name") === str(required, "Name"));
      if (!found)
        fail(`For ${name} to implement ${iname} it must have a field called ${str(required, "Name")}.`, def);
      if (!isCovariant(schema, obj(required, "Type"), obj(found!, "Type"))) {
        fail(
          `For ${name} to implement ${iname} the field ${str(required, "Name")} must have type ${typeString(obj(required, "Type"))}.`,
          found,
        );
      }
      for (const rArg of list(required, "Arguments")) {
        const fArg = list(found!, "Arguments").find((a) => str(a, "Name") === str(rArg, "Name"));
        if (!fArg) {
          fail(
            `For ${name} to implement ${iname} the field ${str(required, "Name")} must have the same arguments but it is missing ${str(rArg, "Name")}.`,
            found,
          );
        }
        if (!sameType(obj(rArg, "Type"), obj(fArg!, "Type"))) {
          fail(
            `For ${name} to implement ${iname} the field ${str(required, "Name")} must have the same arguments but ${str(rArg, "Name")} has the wrong type.`,
            fArg,
          );
        }
      }
      for (const fArg of list(found!, "Arguments")) {
        const declared = list(required, "Arguments").some((a) => str(a, "Name") === str(fArg, "Name"));
        if (!declared && obj(fArg, "Type")?.NonNull === true && !obj(fArg, "DefaultValue")) {
          fail(
            `For ${name} to implement ${iname} any additional arguments on ${str(found!, "Name")} must be optional or have a default value but ${str(fArg, "Name")} is required.`,
            fArg,
          );
        }
      }
    }
    for (const transitive of strings(intf!, "Interfaces")) {
      if (!strings(def, "Interfaces").includes(transitive)) {
        if (transitive === name)
          fail(`Type ${name} cannot implement ${iname} because it would create a circular reference.`, def);
        fail(`Type ${name} must implement ${transitive} because it is implemented by ${iname}.`, def);
      }
    }
  }
  if (kind === "OBJECT" || kind === "INTERFACE") {
    if (fields.length === 0) fail(`${kind} ${name}: must define one or more fields.`, def);
    for (const field of fields) {
      const t = schema.types.get(typeName(obj(field, "Type")));
      if (t && !["SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM"].includes(str(t, "Kind"))) {
        fail(`${kind} ${name}: field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.`, field);
      }
    }
  } else if (kind === "ENUM") {
    if (list(def, "EnumValues").length === 0)
      fail(`${kind} ${name}: must define one or more unique enum values.`, def);
    for (const v of list(def, "EnumValues")) {
      if (["true", "false", "null"].includes(str(v, "Name")))
        fail(`${kind} ${name}: non-enum value ${str(v, "Name")}.`, def);
    }
  } else if (kind === "INPUT_OBJECT") {
    if (fields.length === 0) fail(`${kind} ${name}: must define one or more input fields.`, def);
    for (const field of fields) {
      const t = schema.types.get(typeName(obj(field, "Type")));
      if (t && !INPUT_KINDS.has(str(t, "Kind")))
        fail(
          `${str(t, "Kind")} ${str(field, "Name")}: field must be one of SCALAR, ENUM, INPUT_OBJECT.`,
          field,
        );
    }
  }
  for (let i = 0; i < fields.length; i++) {
    for (const other of fields.slice(i + 1)) {
      if (str(fields[i]!, "Name") === str(other, "Name"))
        fail(`Field ${name}.${str(other, "Name")} can only be defined once.`, other);
    }
  }
  if (def.BuiltIn !== true) validateName(name, def);
  validateDirectives(schema, list(def, "Directives"), kind, undefined);
}

// ------------------------------------------------------------------ query validation

interface Context {
  schema: Schema;
  fragments: Map<string, Obj>;
  usedFragments: Set<string>;
  /** The current operation's variable definitions by name. */
  variables: Map<string, Obj>;
  /** Whether an operation (not a lone fragment definition) is being walked, and its name. */
  inOperation: boolean;
  operationName: string;
  /**
   * Fragments already walked in the current operation, with the variables they use. gqlparser's walker
   * also enters each fragment once per operation (walk.go validatedFragmentSpreads); re-walking on every
   * spread would take time exponential in the depth of fragments spreading a fragment twice.
   */
  walked: Map<string, Obj[]>;
  /** How many selection sets the walk is inside (see MAX_SELECTION_DEPTH). */
  depth: number;
  /** Each field's definition and parent type, as gqlparser's walker records them on the AST. */
  fieldInfo: Map<Obj, FieldInfo>;
  /** The current operation's nested selection sets in walk order, for OverlappingFieldsCanBeMerged. */
  selectionSets: Obj[][];
}

const META_FIELDS: Record<string, Obj> = {
  __typename: { Name: "__typename", Type: { NamedType: "String", NonNull: true }, Arguments: [] },
  __schema: { Name: "__schema", Type: { NamedType: "__Schema", NonNull: true }, Arguments: [] },
  __type: {
    Name: "__type",
    Type: { NamedType: "__Type", NonNull: false },
    Arguments: [{ Name: "name", Type: { NamedType: "String", NonNull: true } }],
  },
};

function fieldDefinition(ctx: Context, parent: Obj, name: string): Obj | undefined {
  if (name === "__typename") return META_FIELDS.__typename;
  if ((name === "__schema" || name === "__type") && parent === ctx.schema.query) return META_FIELDS[name];
  return list(parent, "Fields").find((f) => str(f, "Name") === name);
}

export const COMPOSITE = new Set(["OBJECT", "INTERFACE", "UNION"]);

/** ast.Value.String(): the value as GraphQL source text. */
export function valueText(v: Obj): string {
  const raw = str(v, "Raw");
  switch (v.Kind) {
    case 0:
      return `$${raw}`;
    case 3:
    case 4:
      return JSON.stringify(raw);
    case 8:
      return `[${list(v, "Children")
        .map((c) => valueText(obj(c, "Value") ?? {}))
        .join(",")}]`;
    case 9:
      return `{${list(v, "Children")
        .map((c) => `${str(c, "Name")}:${valueText(obj(c, "Value") ?? {})}`)
        .join(",")}}`;
    default:
      return raw;
  }
}

/** ast.Type.IsCompatible. */
export function isCompatible(t: Obj | undefined, other: Obj | undefined): boolean {
  if (!t || !other) return false;
  if (str(t, "NamedType") !== str(other, "NamedType")) return false;
  if (obj(t, "Elem") && !obj(other, "Elem")) return false;
  if (obj(t, "Elem") && !isCompatible(obj(t, "Elem"), obj(other, "Elem"))) return false;
  if (other.NonNull === true) return t.NonNull === true;
  return true;
}

export const BUILTIN_SCALARS = new Set(["Int", "Float", "String", "Boolean", "ID"]);

/** ast.Value.Value(nil) failing: an Int beyond int64 or a Float beyond float64, here or nested. */
function unrepresentable(ctx: Context, value: Obj, seen = 0): boolean {
  switch (value.Kind) {
    case 0: {
      const dflt = obj(ctx.variables.get(str(value, "Raw")) ?? {}, "DefaultValue");
      return dflt !== undefined && seen < 2 && unrepresentable(ctx, dflt, seen + 1);
    }
    case 1:
      return !fitsInt(str(value, "Raw"), 64n);
    case 2:
      return !Number.isFinite(Number(str(value, "Raw")));
    case 8:
    case 9:
      return list(value, "Children").some((c) => unrepresentable(ctx, obj(c, "Value") ?? {}, seen));
    default:
      return false;
  }
}

/** Whether Go's strconv.ParseInt(raw, 10, bits) succeeds (raw is an integer literal). */
function fitsInt(raw: string, bits: bigint): boolean {
  if (!/^[+-]?\d+$/.test(raw)) return false;
  const n = BigInt(raw);
  const max = (1n << (bits - 1n)) - 1n;
  return n <= max && n >= -max - 1n;
}

/** unexpectedTypeMessageOnly (rules/values_of_correct_type.go), keyed on the expected type's text. */
function unexpectedTypeMessage(value: Obj, expected: Obj, def: Obj): string {
  const v = valueText(value);
  switch (typeString(expected)) {
    case "Int":
    case "Int!":
      // strconv.ParseInt(raw, 10, 32) failing with ErrRange: a well-formed integer out of int32 range.
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
      return def.Kind === "ENUM"
        ? `Enum "${typeString(expected)}" cannot represent non-enum value: ${v}.`
        : `Expected value of type "${typeString(expected)}", found ${v}.`;
  }
}

/**
 * An input value as gqlparser's walker and value rules see it (validator/walk.go walkValue, then per
 * value, children first: NoUndefinedVariables, UniqueInputFieldNames, ValuesOfCorrectType,
 * VariablesInAllowedPosition). `expected` is the value's expected type and `def` the schema type it
 * names; values the walker cannot type (fields unknown to an input object, list items where no list
 * is expected) are only walked.
 */
function checkValue(
  ctx: Context,
  value: Obj | undefined,
  expected: Obj | undefined,
  variables: Map<string, Obj>,
  def: Obj | undefined = expected ? ctx.schema.types.get(typeName(expected)) : undefined,
): void {
  if (!value) return;
  const kind = value.Kind;
  const children = list(value, "Children");
  if (kind === 9) {
    for (const c of children) {
      const field = def ? list(def, "Fields").find((f) => str(f, "Name") === str(c, "Name")) : undefined;
      const ft = field ? obj(field, "Type") : undefined;
      checkValue(ctx, obj(c, "Value"), ft, variables, ft ? ctx.schema.types.get(typeName(ft)) : undefined);
    }
  } else if (kind === 8) {
    const elem = obj(expected ?? {}, "Elem");
    for (const c of children) {
      checkValue(ctx, obj(c, "Value"), elem, variables, elem ? def : undefined);
    }
  }
  // NoUndefinedVariables.
  if (kind === 0 && ctx.inOperation && !variables.has(str(value, "Raw"))) {
    fail(
      ctx.operationName !== ""
        ? `Variable "${valueText(value)}" is not defined by operation "${ctx.operationName}".`
        : `Variable "${valueText(value)}" is not defined.`,
      value,
    );
  }
  // UniqueInputFieldNames.
  if (kind === 9) {
    const seen = new Set<string>();
    for (const c of children) {
      if (seen.has(str(c, "Name"))) fail(`There can be only one input field named "${str(c, "Name")}".`, c);
      seen.add(str(c, "Name"));
    }
  }
  if (!expected || !def) return;
  valuesOfCorrectType(ctx, value, expected, def);
  // VariablesInAllowedPosition: a default value lets a nullable variable fill a non-null position.
  const varDef = kind === 0 ? variables.get(str(value, "Raw")) : undefined;
  if (varDef && ctx.inOperation) {
    const tmp: Obj = { ...expected };
    const dflt = obj(varDef, "DefaultValue");
    if (dflt && dflt.Kind !== 6 && expected.NonNull === true) tmp.NonNull = false;
    if (!isCompatible(obj(varDef, "Type"), tmp)) {
      fail(
        `Variable "${valueText(value)}" of type "${typeString(obj(varDef, "Type"))}" used in position expecting type "${typeString(expected)}".`,
        value,
      );
    }
  }
}

/** ValuesOfCorrectType (gqlparser rules/values_of_correct_type.go) for one typed value. */
function valuesOfCorrectType(ctx: Context, value: Obj, expected: Obj, def: Obj): void {
  const kind = value.Kind;
  const unexpected = (): never => fail(unexpectedTypeMessage(value, expected, def), value);
  if (kind === 6 && expected.NonNull === true)
    fail(`Expected value of type "${typeString(expected)}", found ${valueText(value)}.`, value);
  const dk = str(def, "Kind");
  const dn = str(def, "Name");
  if (dk === "SCALAR" && !BUILTIN_SCALARS.has(dn)) return; // custom scalars validate themselves
  const enums = dk === "ENUM" ? list(def, "EnumValues").map((e) => str(e, "Name")) : [];
  if (unrepresentable(ctx, value)) unexpected();
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
        fail(
          `Enum "${typeString(expected)}" cannot represent non-enum value: ${valueText(value)}.` +
            suggestQuoted("Did you mean the enum value", raw, enums),
          value,
        );
      }
      if (!["String", "ID"].includes(dn)) unexpected();
      break;
    case 7:
      if (dk !== "ENUM") {
        fail(
          unexpectedTypeMessage(value, expected, def) +
            suggestUnquoted("Did you mean the enum value", raw, enums),
          value,
        );
      }
      if (!enums.includes(raw)) {
        fail(
          `Value "${valueText(value)}" does not exist in "${typeString(expected)}" enum.` +
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
          obj(f, "Type")?.NonNull === true &&
          !obj(f, "DefaultValue") &&
          !children.some((c) => str(c, "Name") === str(f, "Name"))
        ) {
          fail(
            `Field "${dn}.${str(f, "Name")}" of required type "${typeString(obj(f, "Type"))}" was not provided.`,
            value,
          );
        }
      }
      const names = list(def, "Fields").map((f) => str(f, "Name"));
      for (const c of children) {
        if (!names.includes(str(c, "Name"))) {
          fail(
            `Field "${str(c, "Name")}" is not defined by type "${dn}".` +
              suggestQuoted("Did you mean", str(c, "Name"), names),
            c,
          );
        }
      }
      break;
    }
  }
}

/** The object types a composite type can be at runtime. */
function possibleTypeNames(ctx: Context, t: Obj): Set<string> {
  if (str(t, "Kind") === "OBJECT") return new Set([str(t, "Name")]);
  return new Set((ctx.schema.possibleTypes.get(str(t, "Name")) ?? []).map((p) => str(p, "Name")));
}

function canOverlap(ctx: Context, a: Obj, b: Obj): boolean {
  const pa = possibleTypeNames(ctx, a);
  for (const n of possibleTypeNames(ctx, b)) if (pa.has(n)) return true;
  return false;
}

function checkRequiredArguments(what: string, owner: string, defs: Obj[], given: Obj[], at: Obj): void {
  for (const def of defs) {
    if (obj(def, "DefaultValue") || obj(def, "Type")?.NonNull !== true) continue;
    const arg = given.find((a) => str(a, "Name") === str(def, "Name"));
    if (!arg) {
      fail(
        `${what} "${owner}" argument "${str(def, "Name")}" of type "${typeString(obj(def, "Type"))}" is required, but it was not provided.`,
        at,
      );
    }
  }
}

/**
 * A directive list as gqlparser walks it (validator/walk.go walkDirectives): per directive, its
 * argument values, then KnownArgumentNames, KnownDirectives, ProvidedRequiredArguments and
 * UniqueArgumentNames; after the list, UniqueDirectivesPerLocation.
 */
function checkDirectives(ctx: Context, dirs: Obj[], location: string): void {
  for (const dir of dirs) {
    const name = str(dir, "Name");
    const def = ctx.schema.directives.get(name);
    const argDefs = def ? list(def, "Arguments") : [];
    const args = list(dir, "Arguments");
    for (const arg of args) {
      const argDef = argDefs.find((d) => str(d, "Name") === str(arg, "Name"));
      checkValue(ctx, obj(arg, "Value"), argDef ? obj(argDef, "Type") : undefined, ctx.variables);
    }
    if (def) {
      for (const arg of args) {
        if (argDefs.some((d) => str(d, "Name") === str(arg, "Name"))) continue;
        fail(
          `Unknown argument "${str(arg, "Name")}" on directive "@${name}".` +
            suggestQuoted(
              "Did you mean",
              str(arg, "Name"),
              argDefs.map((d) => str(d, "Name")),
            ),
          dir,
        );
      }
    }
    if (!def) fail(`Unknown directive "@${name}".`, dir);
    if (!strings(def!, "Locations").includes(location))
      fail(`Directive "@${name}" may not be used on ${location}.`, dir);
    checkRequiredArguments("Directive", `@${name}`, argDefs, args, dir);
    uniqueArguments(args);
  }
  const seen = new Set<string>();
  for (const dir of dirs) {
    // OPA's gqlparser (v2.5) exempts only a directive literally named "repeatable", not repeatable
    // directives (fixed upstream in 2026, after OPA's copy).
    if (str(dir, "Name") !== "repeatable" && seen.has(str(dir, "Name")))
      fail(`The directive "@${str(dir, "Name")}" can only be used once at this location.`, dir);
    seen.add(str(dir, "Name"));
  }
}

/** UniqueArgumentNames, reported at the second use. */
function uniqueArguments(args: Obj[]): void {
  const seen = new Set<string>();
  for (const arg of args) {
    if (seen.has(str(arg, "Name"))) fail(`There can be only one argument named "${str(arg, "Name")}".`, arg);
    seen.add(str(arg, "Name"));
  }
}

function collectVariables(v: Obj | undefined, out: Obj[]): void {
  if (!v) return;
  if (v.Kind === 0) out.push(v);
  for (const c of list(v, "Children")) collectVariables(obj(c, "Value"), out);
}

/**
 * Selection sets nested deeper than this (counting hops into fragments) end validation with an error:
 * chains of fragments are flat in the text, so the parser's own nesting guard does not bound them,
 * and walking them recursively would otherwise exhaust the stack. gqlparser has no such limit.
 */
const MAX_SELECTION_DEPTH = 500;

function walkSelections(ctx: Context, parent: Obj, selections: Obj[], vars: Obj[], path: Set<string>): void {
  if (++ctx.depth > MAX_SELECTION_DEPTH) fail("selection sets nested too deep", selections[0]);
  walkSelectionList(ctx, parent, selections, vars, path);
  ctx.depth--;
}

function walkSelectionList(
  ctx: Context,
  parent: Obj,
  selections: Obj[],
  vars: Obj[],
  path: Set<string>,
): void {
  for (const sel of selections) {
    // Fields always carry an Alias and inline fragments a TypeCondition (both survive pruning);
    // fragment spreads have neither.
    if ("Alias" in sel) {
      walkField(ctx, parent, sel, vars, path);
      continue;
    }
    if ("TypeCondition" in sel) {
      const cond = str(sel, "TypeCondition");
      let target = parent;
      if (cond !== "") {
        const t = ctx.schema.types.get(cond);
        if (!t) fail(`Unknown type "${cond}".`, sel);
        if (!COMPOSITE.has(str(t!, "Kind")))
          fail(`Fragment cannot condition on non composite type "${cond}".`, sel);
        if (!canOverlap(ctx, parent, t!)) {
          fail(
            `Fragment cannot be spread here as objects of type "${str(parent, "Name")}" can never be of type "${cond}".`,
            sel,
          );
        }
        target = t!;
      }
      checkDirectives(ctx, list(sel, "Directives"), "INLINE_FRAGMENT");
      for (const d of list(sel, "Directives"))
        for (const a of list(d, "Arguments")) collectVariables(obj(a, "Value"), vars);
      ctx.selectionSets.push(list(sel, "SelectionSet"));
      walkSelections(ctx, target, list(sel, "SelectionSet"), vars, path);
      continue;
    }
    // Fragment spread.
    const name = str(sel, "Name");
    const frag = ctx.fragments.get(name);
    if (!frag) fail(`Unknown fragment "${name}".`, sel);
    ctx.usedFragments.add(name);
    checkDirectives(ctx, list(sel, "Directives"), "FRAGMENT_SPREAD");
    for (const d of list(sel, "Directives"))
      for (const a of list(d, "Arguments")) collectVariables(obj(a, "Value"), vars);
    const t = ctx.schema.types.get(str(frag!, "TypeCondition"));
    if (!t) fail(`Unknown type "${str(frag!, "TypeCondition")}".`, frag);
    if (!canOverlap(ctx, parent, t!)) {
      fail(
        `Fragment "${name}" cannot be spread here as objects of type "${str(parent, "Name")}" can never be of type "${str(t!, "Name")}".`,
        sel,
      );
    }
    // A fragment spread inside itself: NoFragmentCycles reports it after the operations are walked.
    if (path.has(name)) continue;
    const known = ctx.walked.get(name);
    if (known) {
      vars.push(...known);
      continue;
    }
    const fragmentVars: Obj[] = [];
    path.add(name);
    walkSelections(ctx, t!, list(frag!, "SelectionSet"), fragmentVars, path);
    path.delete(name);
    ctx.walked.set(name, fragmentVars);
    vars.push(...fragmentVars);
  }
}

function walkField(ctx: Context, parent: Obj, field: Obj, vars: Obj[], path: Set<string>): void {
  const name = str(field, "Name");
  const def = fieldDefinition(ctx, parent, name);
  if (!def) fail(unknownFieldMessage(ctx, parent, name), field);
  const args = list(field, "Arguments");
  const seen = new Set<string>();
  for (const arg of args) {
    const an = str(arg, "Name");
    if (seen.has(an)) fail(`There can be only one argument named "${an}".`, arg);
    seen.add(an);
    const argDef = list(def!, "Arguments").find((d) => str(d, "Name") === an);
    if (!argDef) {
      const names = list(def!, "Arguments").map((d) => str(d, "Name"));
      fail(
        `Unknown argument "${an}" on field "${str(parent, "Name")}.${name}".` +
          suggestQuoted("Did you mean", an, names),
        field,
      );
    }
    checkValue(ctx, obj(arg, "Value"), obj(argDef!, "Type"), ctx.variables);
    collectVariables(obj(arg, "Value"), vars);
  }
  checkRequiredArguments("Field", name, list(def!, "Arguments"), args, field);
  checkDirectives(ctx, list(field, "Directives"), "FIELD");
  for (const d of list(field, "Directives"))
    for (const a of list(d, "Arguments")) collectVariables(obj(a, "Value"), vars);
  ctx.fieldInfo.set(field, { def, parent });
  const typeDef = ctx.schema.types.get(typeName(obj(def!, "Type")));
  const subs = list(field, "SelectionSet");
  if (subs.length > 0) ctx.selectionSets.push(subs);
  if (typeDef && COMPOSITE.has(str(typeDef, "Kind"))) {
    if (subs.length === 0) {
      fail(
        `Field "${name}" of type "${typeString(obj(def!, "Type"))}" must have a selection of subfields. Did you mean "${name} { ... }"?`,
        field,
      );
    }
    walkSelections(ctx, typeDef, subs, vars, path);
  } else if (subs.length > 0) {
    fail(
      `Field "${name}" must not have a selection since type "${typeName(obj(def!, "Type"))}" has no subfields.`,
      field,
    );
  }
}

/** The fragment spreads anywhere inside a selection set (gqlparser getFragmentSpreads order). */
function fragmentSpreads(selectionSet: Obj[]): Obj[] {
  const spreads: Obj[] = [];
  const toVisit = [selectionSet];
  while (toVisit.length > 0) {
    for (const sel of toVisit.pop()!) {
      if ("Alias" in sel || "TypeCondition" in sel) toVisit.push(list(sel, "SelectionSet"));
      else spreads.push(sel);
    }
  }
  return spreads;
}

/**
 * NoFragmentCycles (gqlparser rules/no_fragment_cycles.go): from each fragment definition in document
 * order, a depth-first search over spreads; each fragment is searched once for the whole document.
 */
function noFragmentCycles(ctx: Context, fragments: Obj[]): void {
  const visited = new Set<string>();
  for (const start of fragments) {
    const spreadPath: Obj[] = [];
    const indexByName = new Map<string, number>();
    // An explicit stack (fragment, its spreads, next spread) instead of recursion: chains can be long.
    const stack: { frag: Obj; spreads: Obj[]; next: number }[] = [];
    const enter = (frag: Obj): void => {
      if (visited.has(str(frag, "Name"))) return;
      visited.add(str(frag, "Name"));
      const spreads = fragmentSpreads(list(frag, "SelectionSet"));
      if (spreads.length === 0) return;
      indexByName.set(str(frag, "Name"), spreadPath.length);
      stack.push({ frag, spreads, next: 0 });
    };
    enter(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next > 0) spreadPath.pop();
      if (top.next === top.spreads.length) {
        indexByName.delete(str(top.frag, "Name"));
        stack.pop();
        continue;
      }
      const spread = top.spreads[top.next++]!;
      const name = str(spread, "Name");
      const cycleIndex = indexByName.get(name);
      spreadPath.push(spread);
      if (cycleIndex === undefined) {
        const frag = ctx.fragments.get(name);
        if (frag) enter(frag);
        continue;
      }
      const via = spreadPath.slice(cycleIndex, -1).map((s) => str(s, "Name"));
      fail(
        `Cannot spread fragment "${name}" within itself${via.length > 0 ? ` via ${via.join(", ")}` : ""}.`,
        spread,
      );
    }
  }
}

/**
 * SingleFieldSubscriptions (gqlparser rules/single_field_subscriptions.go): the distinct top-level field
 * names, through inline fragments and (once each) fragment spreads, must be one, and not introspection.
 */
function singleFieldSubscription(ctx: Context, op: Obj): void {
  const fields: Obj[] = [];
  const entered = new Set<string>();
  const walk = (sels: Obj[]): void => {
    for (const sel of sels) {
      if ("Alias" in sel) fields.push(sel);
      else if ("TypeCondition" in sel) walk(list(sel, "SelectionSet"));
      else {
        const frag = ctx.fragments.get(str(sel, "Name"));
        // gqlparser returns from the whole walk at a spread of an unknown fragment.
        if (!frag) return;
        if (!entered.has(str(frag, "Name"))) {
          entered.add(str(frag, "Name"));
          walk(list(frag, "SelectionSet"));
        }
      }
    }
  };
  walk(list(op, "SelectionSet"));
  const seen = new Set<string>();
  const unique = fields.filter((f) => !seen.has(str(f, "Name")) && seen.add(str(f, "Name")));
  const name = str(op, "Name") !== "" ? `Subscription ${JSON.stringify(str(op, "Name"))}` : "Anonymous Subscription";
  if (unique.length > 1) fail(`${name} must select only one top level field.`, unique[1]);
  for (const f of unique) {
    if (str(f, "Name").startsWith("__")) fail(`${name} must not select an introspection top level field.`, f);
  }
}

/**
 * FieldsOnCorrectType's message (gqlparser rules/fields_on_correct_type.go): on an interface or union,
 * suggest the types that do have the field (interfaces used most first, then by name); otherwise
 * suggest similar field names.
 */
function unknownFieldMessage(ctx: Context, parent: Obj, name: string): string {
  const message = `Cannot query field "${name}" on type "${str(parent, "Name")}".`;
  const kind = str(parent, "Kind");
  if (kind === "INTERFACE" || kind === "UNION") {
    const objects: string[] = [];
    const interfaces: string[] = [];
    const usage = new Map<string, number>();
    for (const t of ctx.schema.possibleTypes.get(str(parent, "Name")) ?? []) {
      if (!list(t, "Fields").some((f) => str(f, "Name") === name)) continue;
      objects.push(str(t, "Name"));
      for (const i of strings(t, "Interfaces")) {
        const idef = ctx.schema.types.get(i);
        if (!idef || !list(idef, "Fields").some((f) => str(f, "Name") === name)) continue;
        if (!usage.has(i)) interfaces.push(i);
        usage.set(i, (usage.get(i) ?? 0) + 1);
      }
    }
    const types = [...interfaces, ...objects].sort(
      (a, b) => (usage.get(b) ?? 0) - (usage.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
    );
    if (types.length > 0) return `${message} Did you mean to use an inline fragment on ${quotedOrList(types)}?`;
  }
  if (kind !== "OBJECT" && kind !== "INTERFACE") return message;
  const names = list(parent, "Fields").map((f) => str(f, "Name"));
  // The schema's query type also carries the introspection fields (validator/schema.go).
  if (parent === ctx.schema.query) names.push("__schema", "__type");
  const similar = suggestionList(name, names);
  return similar.length > 0 ? `${message} Did you mean ${quotedOrList(similar)}?` : message;
}

/** validator.Validate: the first rule violation, as gqlparser reports it. */
export function validateQuery(schema: Schema, doc: Obj): void {
  const operations = list(doc, "Operations");
  const fragments = list(doc, "Fragments");
  const ctx: Context = {
    schema,
    fragments: new Map(),
    usedFragments: new Set(),
    variables: new Map(),
    walked: new Map(),
    depth: 0,
    fieldInfo: new Map(),
    selectionSets: [],
    inOperation: false,
    operationName: "",
  };
  const overlap = new OverlapChecker({
    types: schema.types,
    fragments: ctx.fragments,
    fields: ctx.fieldInfo,
  });
  const noOverlaps = (sets: Obj[][], at: Obj): void => {
    for (const set of sets) {
      let conflict;
      try {
        conflict = overlap.firstConflictWithin(set);
      } catch (e) {
        if (e instanceof OverlapBudgetError) fail(e.message, at);
        throw e;
      }
      if (conflict) fail(conflict.message, conflict.at);
    }
  };
  for (const f of fragments) {
    if (ctx.fragments.has(str(f, "Name")))
      fail(`There can be only one fragment named "${str(f, "Name")}".`, f);
    ctx.fragments.set(str(f, "Name"), f);
    const t = schema.types.get(str(f, "TypeCondition"));
    if (!t) {
      fail(
        `Unknown type "${str(f, "TypeCondition")}".` +
          suggestQuoted("Did you mean", str(f, "TypeCondition"), [...schema.types.keys()]),
        f,
      );
    }
    if (!COMPOSITE.has(str(t!, "Kind")))
      fail(
        `Fragment "${str(f, "Name")}" cannot condition on non composite type "${str(f, "TypeCondition")}".`,
        f,
      );
  }
  const names = new Set<string>();
  for (const op of operations) {
    const opName = str(op, "Name");
    if (opName === "" && operations.length > 1)
      fail("This anonymous operation must be the only defined operation.", op);
    if (opName !== "") {
      if (names.has(opName)) fail(`There can be only one operation named "${opName}".`, op);
      names.add(opName);
    }
    const kind = str(op, "Operation") || "query";
    const root =
      kind === "mutation" ? schema.mutation : kind === "subscription" ? schema.subscription : schema.query;
    if (!root) fail(`Schema does not support operation type "${kind}"`, op);
    const declared = list(op, "VariableDefinitions");
    ctx.variables = new Map(declared.map((v) => [str(v, "Variable"), v]));
    ctx.walked = new Map();
    ctx.selectionSets = [];
    ctx.inOperation = true;
    ctx.operationName = opName;
    const declaredNames = new Set<string>();
    for (const v of declared) {
      const vn = str(v, "Variable");
      if (declaredNames.has(vn)) fail(`There can be only one variable named "$${vn}".`, v);
      declaredNames.add(vn);
      const t = schema.types.get(typeName(obj(v, "Type")));
      if (!t) fail(`Unknown type "${typeName(obj(v, "Type"))}".`, v);
      if (!INPUT_KINDS.has(str(t!, "Kind")))
        fail(`Variable "$${vn}" cannot be non-input type "${typeString(obj(v, "Type"))}".`, v);
      checkDirectives(ctx, list(v, "Directives"), "VARIABLE_DEFINITION");
      checkValue(ctx, obj(v, "DefaultValue"), obj(v, "Type"), ctx.variables);
    }
    checkDirectives(ctx, list(op, "Directives"), kind.toUpperCase());
    const used: Obj[] = [];
    walkSelections(ctx, root!, list(op, "SelectionSet"), used, new Set());
    for (const u of used) {
      if (!declaredNames.has(str(u, "Raw"))) {
        fail(
          opName !== ""
            ? `Variable "$${str(u, "Raw")}" is not defined by operation "${opName}".`
            : `Variable "$${str(u, "Raw")}" is not defined.`,
          u,
        );
      }
    }
    const usedNames = new Set(used.map((u) => str(u, "Raw")));
    for (const v of declared) {
      if (!usedNames.has(str(v, "Variable"))) {
        fail(
          opName !== ""
            ? `Variable "$${str(v, "Variable")}" is never used in operation "${opName}".`
            : `Variable "$${str(v, "Variable")}" is never used.`,
          v,
        );
      }
    }
    if (kind === "subscription") singleFieldSubscription(ctx, op);
    // gqlparser checks each field's and inline fragment's selection set as the walk reaches it, and
    // the operation's own set when the walk is done.
    noOverlaps([...ctx.selectionSets, list(op, "SelectionSet")], op);
  }
  noFragmentCycles(ctx, fragments);
  for (const f of fragments) {
    if (!ctx.usedFragments.has(str(f, "Name"))) fail(`Fragment "${str(f, "Name")}" is never used.`, f);
  }
  for (const f of fragments) noOverlaps([list(f, "SelectionSet")], f);
}
