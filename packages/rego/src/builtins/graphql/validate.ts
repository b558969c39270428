/**
 * GraphQL schema building and query validation after gqlparser's validator (internal/gqlparser/
 * validator: schema.go ValidateSchemaDocument, and the spec's §5 validation rules in rules/*.go),
 * with their error messages. Documents are the JSON-shaped ASTs of ./parser.ts, or the pruned ASTs
 * OPA hands back to policies (missing keys read as empty).
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

const str = (o: Obj, k: string): string => (typeof o[k] === "string" ? (o[k] as string) : "");
const list = (o: Obj, k: string): Obj[] => (Array.isArray(o[k]) ? (o[k] as Obj[]) : []);
const strings = (o: Obj, k: string): string[] => (Array.isArray(o[k]) ? (o[k] as string[]) : []);
const obj = (o: Obj, k: string): Obj | undefined =>
  o[k] !== null && typeof o[k] === "object" && !Array.isArray(o[k]) ? (o[k] as Obj) : undefined;
const fail = (message: string, at: Obj | undefined): never => {
  throw new GraphQLValidationError(message, at?.Position);
};

/** ast.Type.Name(): the innermost named type. */
function typeName(t: Obj | undefined): string {
  let cur = t;
  while (cur && str(cur, "NamedType") === "" && obj(cur, "Elem")) cur = obj(cur, "Elem");
  return cur ? str(cur, "NamedType") : "";
}

/** ast.Type.String(): "[Int!]!" */
function typeString(t: Obj | undefined): string {
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

const INPUT_KINDS = new Set(["SCALAR", "ENUM", "INPUT_OBJECT"]);

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

const COMPOSITE = new Set(["OBJECT", "INTERFACE", "UNION"]);

/** ast.Value.String(): the value as GraphQL source text. */
function valueText(v: Obj): string {
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
function isCompatible(t: Obj | undefined, other: Obj | undefined): boolean {
  if (!t || !other) return false;
  if (str(t, "NamedType") !== str(other, "NamedType")) return false;
  if (obj(t, "Elem") && !obj(other, "Elem")) return false;
  if (obj(t, "Elem") && !isCompatible(obj(t, "Elem"), obj(other, "Elem"))) return false;
  if (other.NonNull === true) return t.NonNull === true;
  return true;
}

const BUILTIN_SCALARS = new Set(["Int", "Float", "String", "Boolean", "ID"]);

/**
 * ValuesOfCorrectType and VariablesInAllowedPosition (gqlparser rules/values_of_correct_type.go,
 * variables_in_allowed_position.go) for one value against its expected input type.
 */
function checkValue(
  ctx: Context,
  value: Obj | undefined,
  expected: Obj | undefined,
  variables: Map<string, Obj>,
): void {
  if (!value || !expected) return;
  const mismatch = (): never =>
    fail(`Expected type ${typeString(expected)}, found ${valueText(value)}.`, value);
  const kind = value.Kind;
  if (kind === 0) {
    const varDef = variables.get(str(value, "Raw"));
    if (!varDef) return;
    const tmp: Obj = { ...expected };
    const dflt = obj(varDef, "DefaultValue");
    if (dflt && dflt.Kind !== 6 && expected.NonNull === true) tmp.NonNull = false;
    if (!isCompatible(obj(varDef, "Type"), tmp)) {
      fail(
        `Variable "${valueText(value)}" of type "${typeString(obj(varDef, "Type"))}" used in position expecting type "${typeString(expected)}".`,
        value,
      );
    }
    return;
  }
  if (kind === 6) {
    if (expected.NonNull === true) mismatch();
    return;
  }
  const elem = obj(expected, "Elem");
  if (elem) {
    // A list type accepts a list of items, or a single item coerced to a list (spec §3.11).
    if (kind === 8)
      for (const c of list(value, "Children")) checkValue(ctx, obj(c, "Value"), elem, variables);
    else checkValue(ctx, value, elem, variables);
    return;
  }
  const def = ctx.schema.types.get(str(expected, "NamedType"));
  if (!def) return;
  const dk = str(def, "Kind");
  const dn = str(def, "Name");
  if (dk === "SCALAR" && !BUILTIN_SCALARS.has(dn)) return; // custom scalars validate themselves
  switch (kind) {
    case 8:
      mismatch();
      break;
    case 1:
      if (!["Int", "Float", "ID"].includes(dn)) mismatch();
      break;
    case 2:
      if (dn !== "Float") mismatch();
      break;
    case 3:
    case 4:
      if (dk === "ENUM" || !["String", "ID"].includes(dn)) mismatch();
      break;
    case 5:
      if (dn !== "Boolean") mismatch();
      break;
    case 7:
      if (dk !== "ENUM" || !list(def, "EnumValues").some((e) => str(e, "Name") === str(value, "Raw")))
        mismatch();
      break;
    case 9: {
      if (dk !== "INPUT_OBJECT") mismatch();
      const children = list(value, "Children");
      for (const f of list(def, "Fields")) {
        if (
          obj(f, "Type")?.NonNull === true &&
          !obj(f, "DefaultValue") &&
          !children.some((c) => str(c, "Name") === str(f, "Name"))
        ) {
          fail(
            `Field ${dn}.${str(f, "Name")} of required type ${typeString(obj(f, "Type"))} was not provided.`,
            value,
          );
        }
      }
      const seen = new Set<string>();
      for (const c of children) {
        const field = list(def, "Fields").find((f) => str(f, "Name") === str(c, "Name"));
        if (!field) fail(`Field "${str(c, "Name")}" is not defined by type ${dn}.`, c);
        if (seen.has(str(c, "Name"))) fail(`There can be only one input field named "${str(c, "Name")}".`, c);
        seen.add(str(c, "Name"));
        checkValue(ctx, obj(c, "Value"), obj(field!, "Type"), variables);
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

function checkDirectives(ctx: Context, dirs: Obj[], location: string): void {
  const seen = new Set<string>();
  for (const dir of dirs) {
    const name = str(dir, "Name");
    const def = ctx.schema.directives.get(name);
    if (!def) fail(`Unknown directive "@${name}".`, dir);
    if (!strings(def!, "Locations").includes(location))
      fail(`Directive "@${name}" may not be used on ${location}.`, dir);
    if (seen.has(name) && def!.IsRepeatable !== true)
      fail(`The directive "@${name}" can only be used once at this location.`, dir);
    seen.add(name);
    checkRequiredArguments("Directive", `@${name}`, list(def!, "Arguments"), list(dir, "Arguments"), dir);
    for (const arg of list(dir, "Arguments")) {
      const argDef = list(def!, "Arguments").find((d) => str(d, "Name") === str(arg, "Name"));
      if (!argDef) fail(`Unknown argument "${str(arg, "Name")}" on directive "@${name}".`, dir);
      checkValue(ctx, obj(arg, "Value"), obj(argDef!, "Type"), ctx.variables);
    }
  }
}

function collectVariables(v: Obj | undefined, out: Obj[]): void {
  if (!v) return;
  if (v.Kind === 0) out.push(v);
  for (const c of list(v, "Children")) collectVariables(obj(c, "Value"), out);
}

function walkSelections(ctx: Context, parent: Obj, selections: Obj[], vars: Obj[], path: Set<string>): void {
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
        target = t!;
      }
      checkDirectives(ctx, list(sel, "Directives"), "INLINE_FRAGMENT");
      for (const d of list(sel, "Directives"))
        for (const a of list(d, "Arguments")) collectVariables(obj(a, "Value"), vars);
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
    if (path.has(name)) fail(`Cannot spread fragment "${name}" within itself.`, sel);
    const t = ctx.schema.types.get(str(frag!, "TypeCondition"));
    if (!t) fail(`Unknown type "${str(frag!, "TypeCondition")}".`, frag);
    if (!canOverlap(ctx, parent, t!)) {
      fail(
        `Fragment "${name}" cannot be spread here as objects of type "${str(parent, "Name")}" can never be of type "${str(t!, "Name")}".`,
        sel,
      );
    }
    path.add(name);
    walkSelections(ctx, t!, list(frag!, "SelectionSet"), vars, path);
    path.delete(name);
  }
}

function walkField(ctx: Context, parent: Obj, field: Obj, vars: Obj[], path: Set<string>): void {
  const name = str(field, "Name");
  const def = fieldDefinition(ctx, parent, name);
  if (!def) fail(`Cannot query field "${name}" on type "${str(parent, "Name")}".`, field);
  const args = list(field, "Arguments");
  const seen = new Set<string>();
  for (const arg of args) {
    const an = str(arg, "Name");
    if (seen.has(an)) fail(`There can be only one argument named "${an}".`, arg);
    seen.add(an);
    const argDef = list(def!, "Arguments").find((d) => str(d, "Name") === an);
    if (!argDef) fail(`Unknown argument "${an}" on field "${name}" of type "${str(parent, "Name")}".`, field);
    checkValue(ctx, obj(arg, "Value"), obj(argDef!, "Type"), ctx.variables);
    collectVariables(obj(arg, "Value"), vars);
  }
  checkRequiredArguments("Field", name, list(def!, "Arguments"), args, field);
  checkDirectives(ctx, list(field, "Directives"), "FIELD");
  for (const d of list(field, "Directives"))
    for (const a of list(d, "Arguments")) collectVariables(obj(a, "Value"), vars);
  const typeDef = ctx.schema.types.get(typeName(obj(def!, "Type")));
  const subs = list(field, "SelectionSet");
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
      `Field "${name}" must not have a selection since type "${typeString(obj(def!, "Type"))}" has no subfields.`,
      field,
    );
  }
}

/** validator.Validate: the first rule violation, as gqlparser reports it. */
export function validateQuery(schema: Schema, doc: Obj): void {
  const operations = list(doc, "Operations");
  const fragments = list(doc, "Fragments");
  const ctx: Context = { schema, fragments: new Map(), usedFragments: new Set(), variables: new Map() };
  for (const f of fragments) {
    if (ctx.fragments.has(str(f, "Name")))
      fail(`There can be only one fragment named "${str(f, "Name")}".`, f);
    ctx.fragments.set(str(f, "Name"), f);
    const t = schema.types.get(str(f, "TypeCondition"));
    if (!t) fail(`Unknown type "${str(f, "TypeCondition")}".`, f);
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
    if (kind === "subscription" && list(op, "SelectionSet").length > 1) {
      fail(
        opName !== ""
          ? `Subscription "${opName}" must select only one top level field.`
          : "Anonymous Subscription must select only one top level field.",
        op,
      );
    }
  }
  for (const f of fragments) {
    if (!ctx.usedFragments.has(str(f, "Name"))) fail(`Fragment "${str(f, "Name")}" is never used.`, f);
  }
}
