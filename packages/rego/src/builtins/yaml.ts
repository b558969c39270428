/**
 * YAML builtins (OPA v1/topdown/encoding.go): yaml.marshal, yaml.unmarshal, yaml.is_valid. OPA goes
 * through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1). Parsing uses the `yaml` package in its 1.1 schema
 * (so `yes`/`no` are booleans), errors take go-yaml's "yaml: line N: …" shape; printing is
 * goyaml-emit.ts, a port of go-yaml's output rules.
 */
import YAML from "yaml";
import { BuiltinError } from "../errors.ts";
import { fromJS } from "../value/json.ts";
import type { Value } from "../value/value.ts";
import { goYamlMarshal } from "./goyaml-emit.ts";
import { builtinError, str } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

/** Go-style `0o` octal integers, which go-yaml v2 resolves through strconv.ParseInt(s, 0, 64). */
const GO_OCTAL = {
  tag: "tag:yaml.org,2002:int",
  format: "OCT",
  default: true,
  test: /^[-+]?0o[0-7_]+$/,
  resolve: (s: string): bigint => {
    const v = BigInt("0o" + s.replace(/^[-+]?0o/, "").replaceAll("_", ""));
    return s.startsWith("-") ? -v : v;
  },
};

/** Refuse absurd documents (alias bombs, huge nesting) with a typed error instead of exhausting memory. */
const MAX_ALIAS_COUNT = 1000;

function goYamlError(e: { message: string; code?: string; linePos?: readonly { line: number }[] }): string {
  const line = e.linePos?.[0]?.line ?? 1;
  const first = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  let msg = first;
  if (e.code === "MISSING_CHAR" && /Flow sequence/.test(first)) msg = "did not find expected ',' or ']'";
  else if (e.code === "MISSING_CHAR" && /Flow map/.test(first)) msg = "did not find expected ',' or '}'";
  return `yaml: line ${line}: ${msg}`;
}

/** YAML → JSON-compatible value as YAMLToJSON does: map keys become strings. */
function normalise(js: unknown): unknown {
  if (js instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of js) out[typeof k === "string" ? k : keyText(k)] = normalise(v);
    return out;
  }
  if (Array.isArray(js)) return js.map(normalise);
  if (js instanceof Date) return js.toISOString();
  if (typeof js === "number" && !Number.isFinite(js)) {
    throw new Error("json: unsupported value: " + String(js));
  }
  return js;
}

function keyText(k: unknown): string {
  if (k === null) return "null";
  if (typeof k === "object") return JSON.stringify(normalise(k));
  return String(k);
}

function parseYAML(name: string, text: string): Value {
  let js: unknown;
  try {
    const doc = YAML.parseDocument(text, {
      version: "1.1",
      intAsBigInt: true,
      uniqueKeys: false,
      // go-yaml v2 leaves timestamps as strings when decoding into interface{}.
      // go-yaml v2 also reads no YAML 1.1 base-60 numbers (`1:20` stays a string, resolve.go).
      // It does read Go's `0o17` octal integers (strconv.ParseInt base 0).
      customTags: (tags) => [
        ...tags.filter(
          (t) =>
            typeof t === "string" ||
            (t.tag !== "tag:yaml.org,2002:timestamp" && (t as { format?: string }).format !== "TIME"),
        ),
        GO_OCTAL,
      ],
    });
    const first = doc.errors[0];
    if (first && /Maximum call stack/.test(first.message)) throw new RangeError(first.message);
    if (first) throw builtinError(name, goYamlError(first));
    js = normalise(doc.toJS({ mapAsMap: true, maxAliasCount: MAX_ALIAS_COUNT }));
  } catch (e) {
    if (e instanceof BuiltinError) throw e;
    if (e instanceof RangeError) {
      // Nesting deep enough to exhaust the stack: a limit, not a crash.
      throw new BuiltinError("eval_limit_error", `${name}: document nested too deeply`, { halt: true });
    }
    throw builtinError(name, e instanceof Error ? e.message : String(e));
  }
  return fromJS(js ?? null);
}

export const yamlBuiltins: BuiltinDef[] = [
  {
    name: "yaml.marshal",
    arity: 1,
    fn: ([v]) => goYamlMarshal(v!),
  },
  { name: "yaml.unmarshal", arity: 1, fn: (a) => parseYAML("yaml.unmarshal", str("yaml.unmarshal", a, 1)) },
  {
    name: "yaml.is_valid",
    arity: 1,
    fn: ([s]) => {
      if (typeof s !== "string") return false;
      try {
        parseYAML("yaml.is_valid", s);
        return true;
      } catch (e) {
        if (e instanceof BuiltinError && !e.halt) return false;
        throw e;
      }
    },
  },
];
