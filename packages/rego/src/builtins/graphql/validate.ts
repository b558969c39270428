/**
 * GraphQL schema building after gqlparser's validator (internal/gqlparser/validator/schema.go
 * ValidateSchemaDocument) with its error messages, and the AST helpers query validation (./walker.ts)
 * shares. Documents are the JSON-shaped ASTs of ./parser.ts, or the pruned ASTs OPA hands back to
 * policies (missing keys read as empty).
 */
import { parseSchemaDocument, type Json, type Obj } from "./parser.ts";

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
    const argDefs = list(def!, "Arguments");
    for (const arg of list(dir, "Arguments")) {
      if (!argDefs.some((a) => str(a, "Name") === str(arg, "Name")))
        fail(`Undefined argument ${str(arg, "Name")} for directive ${name}.`, arg);
    }
    for (const a of argDefs) {
      if (obj(a, "Type")?.NonNull !== true || obj(a, "DefaultValue")) continue;
      const given = list(dir, "Arguments").find((g) => str(g, "Name") === str(a, "Name"));
      if (!given || obj(given, "Value")?.Kind === 6)
        fail(`Argument ${str(a, "Name")} for directive ${name} cannot be null.`, dir);
    }
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
      validateDirectives(schema, list(v, "Directives"), "ENUM_VALUE", undefined);
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

// ------------------------------------------------------------------ helpers for query validation (./walker.ts)

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
