/**
 * The builtin registry: every family's `BuiltinDef[]` by OPA name. Later families win on a name clash,
 * so the evaluator's own definitions (membership) come last.
 */
import type { BuiltinDef } from "./types.ts";
import { familyABuiltins } from "./family-a.ts";
import { cryptoBuiltins } from "./crypto.ts";
import { graphBuiltins } from "./graph.ts";
import { graphqlBuiltins } from "./graphql.ts";
import { httpBuiltins } from "./http.ts";
import { jsonSchemaBuiltins } from "./jsonschema.ts";
import { jwtBuiltins } from "./jwt.ts";
import { miscBuiltins } from "./misc.ts";
import { netBuiltins } from "./net.ts";
import { opaBuiltins } from "./opa.ts";
import { randBuiltins } from "./rand.ts";
import { templateBuiltins } from "./template.ts";
import { timeBuiltins } from "./time.ts";
import { uriBuiltins } from "./uri.ts";
import { x509Builtins } from "./x509.ts";
import { internalBuiltins } from "../eval/internal-builtins.ts";

const FAMILIES: readonly (readonly BuiltinDef[])[] = [
  familyABuiltins,
  cryptoBuiltins,
  graphBuiltins,
  graphqlBuiltins,
  httpBuiltins,
  jsonSchemaBuiltins,
  jwtBuiltins,
  miscBuiltins,
  netBuiltins,
  opaBuiltins,
  randBuiltins,
  templateBuiltins,
  timeBuiltins,
  uriBuiltins,
  x509Builtins,
  internalBuiltins,
];

let table: Map<string, BuiltinDef> | undefined;

/** All builtins by name (built once; callers must not mutate it — copy to add host extensions). */
export function builtinTable(): ReadonlyMap<string, BuiltinDef> {
  if (!table) {
    table = new Map();
    for (const fam of FAMILIES) for (const d of fam) table.set(d.name, d);
  }
  return table;
}
