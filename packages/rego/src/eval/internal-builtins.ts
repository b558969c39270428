/**
 * Builtins the evaluator owns: membership (`x in xs`, `k, v in xs`; OPA v1/topdown/aggregates.go
 * builtinMember/builtinMemberWithKey) and `rego.parse_module`. `print` is compiled to a dedicated
 * expression, not a builtin. `equal`/`neq` are redefined here (this family registers last and wins)
 * with the evaluator's structural equality, which is much cheaper on arrays than value.ts `equals`.
 */
import type { BuiltinDef } from "../builtins/types.ts";
import { builtinError, operandTypeError, RegoError } from "../errors.ts";
import { parseModule } from "../syntax/index.ts";
import { fromJS } from "../value/json.ts";
import { typeName } from "../value/value.ts";
import { moduleToOPAJSON } from "../syntax/index.ts";
import { RObject, RSet, type Value } from "../value/value.ts";
import { lookup } from "./values.ts";
import { fastEquals } from "./equality.ts";

function member(x: Value, coll: Value): boolean {
  if (Array.isArray(coll)) return (coll as readonly Value[]).some((e) => fastEquals(e, x));
  if (coll instanceof RSet) return coll.has(x);
  if (coll instanceof RObject) {
    for (const v of coll.values()) if (fastEquals(v, x)) return true;
    return false;
  }
  return false;
}

function memberWithKey(k: Value, v: Value, coll: Value): boolean {
  const got = lookup(coll, k);
  return got !== undefined && fastEquals(got, v);
}

/** `rego.parse_module(filename, text)`: the module's JSON AST; parse errors are builtin errors. */
function parseModuleBuiltin([file, text]: Value[]): Value {
  if (typeof file !== "string") throw operandTypeError("rego.parse_module", 1, "string", typeName(file!));
  if (typeof text !== "string") throw operandTypeError("rego.parse_module", 2, "string", typeName(text!));
  try {
    return fromJS(moduleToOPAJSON(parseModule(text, { file })));
  } catch (e) {
    if (e instanceof RegoError) throw builtinError("rego.parse_module", e.message);
    throw e;
  }
}

/** `==` (OPA v1/topdown/comparison.go builtinEqual); function indexing recognises it by identity. */
export const equalBuiltin: BuiltinDef = { name: "equal", arity: 2, fn: ([a, b]) => fastEquals(a!, b!) };

export const internalBuiltins: BuiltinDef[] = [
  { name: "rego.parse_module", arity: 2, fn: parseModuleBuiltin },
  // OPA v1/topdown/comparison.go builtinNotEqual.
  equalBuiltin,
  { name: "neq", arity: 2, fn: ([a, b]) => !fastEquals(a!, b!) },
  { name: "internal.member_2", arity: 2, fn: ([x, c]) => member(x!, c!) },
  { name: "internal.member_3", arity: 3, fn: ([k, v, c]) => memberWithKey(k!, v!, c!) },
];
