/**
 * json.verify_schema and json.match_schema (OPA v1/topdown/jsonschema.go). OPA validates with
 * gojsonschema; we validate with ajv and translate its errors into gojsonschema's error objects
 * ({error, type, field, desc}, texts from gojsonschema's locales.go) so policies see the same results.
 * No remote `$ref` is ever fetched (OPA restricts these to allow_net; the engine does no I/O).
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { RE2JS } from "re2js";
import { toJSONText } from "../value/json.ts";
import { RObject, type Value } from "../value/value.ts";
import { fail } from "./operands-b.ts";
import type { BuiltinDef } from "./types.ts";

// ajv and ajv-formats are CommonJS: their default export arrives as a namespace under Node's ESM loader.
type AjvInstance = InstanceType<typeof AjvModule.default>;
const AjvClass = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as new (
  opts: object,
) => AjvInstance;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: AjvInstance,
) => void;

/**
 * "pattern" and "patternProperties" run on RE2 (re2js), as gojsonschema runs them on Go's regexp: the
 * same dialect, and linear time, so a hostile schema pattern cannot hang evaluation.
 */
function re2RegExp(pattern: string): { test: (s: string) => boolean; toString: () => string } {
  const re = RE2JS.compile(pattern);
  // ajv keys its compiled-pattern cache by toString(), so it must identify the pattern.
  return { test: (s: string) => re.matcher(s).find(), toString: () => `re2:${pattern}` };
}
re2RegExp.code = 'require("re2js").RE2JS';

const ajv = new AjvClass({
  allErrors: true,
  strict: false,
  addUsedSchema: false,
  validateSchema: true,
  code: { regExp: re2RegExp },
});
addFormats(ajv);

class SchemaError extends Error {}

/** OPA's astValueToJSONSchemaLoader: JSON text, or an object/array value. */
function toJSON(v: Value): unknown {
  if (typeof v === "string") {
    try {
      return JSON.parse(v);
    } catch {
      throw new SchemaError("invalid JSON string");
    }
  }
  if (v instanceof RObject || Array.isArray(v)) return JSON.parse(toJSONText(v));
  throw new SchemaError("wrong type, expected string or object");
}

const VALID_TYPES = ["array", "boolean", "integer", "number", "null", "object", "string"];

/** gojsonschema rejects unknown primitive types at compile time with this exact text. */
function checkTypes(schema: unknown): void {
  if (Array.isArray(schema)) {
    schema.forEach(checkTypes);
    return;
  }
  if (schema === null || typeof schema !== "object") return;
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (k === "type") {
      for (const t of Array.isArray(v) ? v : [v]) {
        if (typeof t === "string" && !VALID_TYPES.includes(t)) {
          throw new SchemaError(
            `has a primitive type that is NOT VALID -- given: /${t}/ Expected valid values are:[${VALID_TYPES.join(" ")}]`,
          );
        }
      }
    } else if (k !== "enum" && k !== "const" && k !== "default" && k !== "examples") {
      checkTypes(v);
    }
  }
}

/** Keywords whose value is a schema, an array of schemas, or a map of schemas (drafts 4–7). */
const SCHEMA_KEYWORDS = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "not",
  "contains",
  "propertyNames",
  "if",
  "then",
  "else",
]);
const SCHEMA_ARRAYS = new Set(["allOf", "anyOf", "oneOf", "items"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "dependencies"]);

/**
 * gojsonschema accepts draft-04 forms that ajv's draft-07 rejects: boolean exclusiveMaximum/Minimum
 * (draft-04 §5.1.2/5.1.3) and `id`. Rewrite them into their draft-06+ equivalents.
 */
function fromDraft4(schema: unknown, draft4Ids: boolean): unknown {
  if (Array.isArray(schema)) return schema.map((s) => fromDraft4(s, draft4Ids));
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  const src = schema as Record<string, unknown>;
  for (const [k, v] of Object.entries(src)) {
    if (SCHEMA_MAPS.has(k) && v !== null && typeof v === "object" && !Array.isArray(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([pk, pv]) => [pk, Array.isArray(pv) ? pv : fromDraft4(pv, draft4Ids)]),
      );
    } else if (SCHEMA_KEYWORDS.has(k) || SCHEMA_ARRAYS.has(k)) {
      out[k] = fromDraft4(v, draft4Ids);
    } else if ((k === "exclusiveMaximum" || k === "exclusiveMinimum") && typeof v === "boolean") {
      const bound = k === "exclusiveMaximum" ? "maximum" : "minimum";
      if (v && typeof src[bound] === "number") out[k] = src[bound];
    } else if (k === "id" && draft4Ids && typeof v === "string") {
      out.$id = v;
    } else {
      out[k] = v;
    }
  }
  for (const [k, bound] of [
    ["exclusiveMaximum", "maximum"],
    ["exclusiveMinimum", "minimum"],
  ] as const) {
    if (src[k] === true && typeof src[bound] === "number") delete out[bound];
  }
  return out;
}

const compiled = new Map<string, ValidateFunction>();
const CACHE_LIMIT = 256;

function compile(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  checkTypes(schema);
  let s = schema;
  if (s !== null && typeof s === "object" && !Array.isArray(s)) {
    // Drafts 4/6/7 are validated with ajv's draft-07 semantics; the meta-schema URI is not fetched.
    const { $schema: declared, ...rest } = s as Record<string, unknown>;
    s = fromDraft4(rest, typeof declared === "string" && declared.includes("draft-04"));
  }
  let fn: ValidateFunction;
  try {
    fn = ajv.compile(s as object);
  } catch (e) {
    // RangeError: a schema nested deeper than the compiler's recursion allows.
    throw new SchemaError(e instanceof RangeError ? "schema nesting too deep" : (e as Error).message);
  }
  if (compiled.size >= CACHE_LIMIT) compiled.clear();
  compiled.set(key, fn);
  return fn;
}

/** gojsonschema's field path: "(root)" or dotted property names / indices. */
function fieldOf(instancePath: string): string {
  if (instancePath === "") return "(root)";
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function jsonTypeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function valueAt(doc: unknown, instancePath: string): unknown {
  if (instancePath === "") return doc;
  let cur = doc;
  for (const seg of instancePath.slice(1).split("/")) {
    const key = seg.replace(/~1/g, "/").replace(/~0/g, "~");
    cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

/** One ajv error as gojsonschema's [type, description]. */
function translate(e: ErrorObject, doc: unknown, field: string): [string, string] {
  const p = e.params as Record<string, unknown>;
  const list = (xs: unknown): string =>
    Array.isArray(xs) ? xs.map((x) => JSON.stringify(x)).join(", ") : JSON.stringify(xs);
  switch (e.keyword) {
    case "type":
      return [
        "invalid_type",
        `Invalid type. Expected: ${String(p.type)}, given: ${jsonTypeOf(valueAt(doc, e.instancePath))}`,
      ];
    case "required":
      return ["required", `${String(p.missingProperty)} is required`];
    case "additionalProperties":
      return [
        "additional_property_not_allowed",
        `Additional property ${String(p.additionalProperty)} is not allowed`,
      ];
    case "enum":
      return ["enum", `${field} must be one of the following: ${list(p.allowedValues)}`];
    case "const":
      return ["const", `${field} does not match: ${list(p.allowedValue)}`];
    case "minItems":
      return ["array_min_items", `Array must have at least ${String(p.limit)} items`];
    case "maxItems":
      return ["array_max_items", `Array must have at most ${String(p.limit)} items`];
    case "minLength":
      return ["string_gte", `String length must be greater than or equal to ${String(p.limit)}`];
    case "maxLength":
      return ["string_lte", `String length must be less than or equal to ${String(p.limit)}`];
    case "pattern":
      return ["pattern", `Does not match pattern '${String(p.pattern)}'`];
    case "format":
      return ["format", `Does not match format '${String(p.format)}'`];
    case "minimum":
      return ["number_gte", `Must be greater than or equal to ${String(p.limit)}`];
    case "exclusiveMinimum":
      return ["number_gt", `Must be greater than ${String(p.limit)}`];
    case "maximum":
      return ["number_lte", `Must be less than or equal to ${String(p.limit)}`];
    case "exclusiveMaximum":
      return ["number_lt", `Must be less than ${String(p.limit)}`];
    case "multipleOf":
      return ["multiple_of", `Must be a multiple of ${String(p.multipleOf)}`];
    case "uniqueItems":
      return ["unique", `array items[${String(p.j)},${String(p.i)}] must be unique`];
    case "anyOf":
      return ["number_any_of", "Must validate at least one schema (anyOf)"];
    case "oneOf":
      return ["number_one_of", "Must validate one and only one schema (oneOf)"];
    case "allOf":
      return ["number_all_of", "Must validate all the schemas (allOf)"];
    case "not":
      return ["number_not", "Must not validate the schema (not)"];
    case "minProperties":
      return ["array_min_properties", `Must have at least ${String(p.limit)} properties`];
    case "maxProperties":
      return ["array_max_properties", `Must have at most ${String(p.limit)} properties`];
    case "if":
      return p.failingKeyword === "else"
        ? ["condition_else", 'Must validate "else" as "if" was not valid']
        : ["condition_then", 'Must validate "then" as "if" was valid'];
    case "dependencies":
    case "dependentRequired":
      return ["missing_dependency", `Has a dependency on ${String(p.missingProperty)}`];
    case "contains":
      return ["contains", "At least one of the items must match"];
    case "propertyNames":
      return ["invalid_property_name", `Property name of "${String(p.propertyName)}" does not match`];
    case "additionalItems":
      return ["array_no_additional_items", "No additional items allowed on array"];
    default:
      return [e.keyword, e.message ?? e.keyword];
  }
}

function matchSchema(docValue: Value, schemaValue: Value): Value {
  const doc = toJSON(docValue);
  const validate = compile(toJSON(schemaValue));
  if (validate(doc)) return [true, []];
  const errors = (validate.errors ?? []).map((e) => {
    const field = fieldOf(e.instancePath);
    const [type, desc] = translate(e, doc, field);
    return RObject.fromRecord({ error: `${field}: ${desc}`, type, field, desc });
  });
  return [false, errors];
}

export const jsonSchemaBuiltins: BuiltinDef[] = [
  {
    name: "json.verify_schema",
    arity: 1,
    fn: ([schema]) => {
      try {
        compile(toJSON(schema!));
        return [true, null];
      } catch (e) {
        if (e instanceof SchemaError) return [false, `jsonschema: ${e.message}`];
        if (e instanceof RangeError) return [false, "jsonschema: schema nesting too deep"];
        throw e;
      }
    },
  },
  {
    name: "json.match_schema",
    arity: 2,
    fn: ([doc, schema]) => {
      try {
        return matchSchema(doc!, schema!);
      } catch (e) {
        if (e instanceof SchemaError) throw fail("json.match_schema", e.message);
        // Documents or schemas nested deeper than the validator's recursion allows.
        if (e instanceof RangeError) throw fail("json.match_schema", "nesting too deep");
        throw e;
      }
    },
  },
];
