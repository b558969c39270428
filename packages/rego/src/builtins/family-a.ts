/**
 * Every builtin of family A (numbers, comparison, aggregates, arrays, sets, objects, strings, sprintf,
 * regex, glob, types, conversions, encoding, json, yaml, units, semver, uuid, bits, walk) in one list,
 * for the registry to import at once.
 */
import { aggregatesBuiltins } from "./aggregates.ts";
import { arraysBuiltins } from "./arrays.ts";
import { bitsBuiltins } from "./bits.ts";
import { comparisonBuiltins } from "./comparison.ts";
import { conversionsBuiltins } from "./conversions.ts";
import { encodingBuiltins } from "./encoding.ts";
import { globBuiltins } from "./glob.ts";
import { jsonBuiltins } from "./json.ts";
import { numbersBuiltins } from "./numbers.ts";
import { objectsBuiltins } from "./objects.ts";
import { regexBuiltins } from "./regex.ts";
import { semverBuiltins } from "./semver.ts";
import { setsBuiltins } from "./sets.ts";
import { sprintfBuiltins } from "./sprintf.ts";
import { stringsBuiltins } from "./strings.ts";
import { typesBuiltins } from "./typenames.ts";
import type { BuiltinDef } from "./types.ts";
import { unitsBuiltins } from "./units.ts";
import { uuidBuiltins } from "./uuid.ts";
import { walkBuiltins } from "./walk.ts";
import { yamlBuiltins } from "./yaml.ts";

export const familyABuiltins: BuiltinDef[] = [
  ...numbersBuiltins,
  ...comparisonBuiltins,
  ...aggregatesBuiltins,
  ...arraysBuiltins,
  ...setsBuiltins,
  ...objectsBuiltins,
  ...stringsBuiltins,
  ...sprintfBuiltins,
  ...regexBuiltins,
  ...globBuiltins,
  ...typesBuiltins,
  ...conversionsBuiltins,
  ...encodingBuiltins,
  ...jsonBuiltins,
  ...yamlBuiltins,
  ...unitsBuiltins,
  ...semverBuiltins,
  ...uuidBuiltins,
  ...bitsBuiltins,
  ...walkBuiltins,
];
