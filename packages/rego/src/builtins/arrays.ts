/** Array builtins (OPA v1/topdown/array.go): array.concat array.slice array.reverse array.flatten. */
import type { Value } from "../value/value.ts";
import { arr, int } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

export const arraysBuiltins: BuiltinDef[] = [
  {
    name: "array.concat",
    arity: 2,
    fn: (args) => [...arr("array.concat", args, 1), ...arr("array.concat", args, 2)],
  },
  {
    name: "array.slice",
    arity: 3,
    fn: (args) => {
      const a = arr("array.slice", args, 1);
      let start = int("array.slice", args, 2);
      let stop = int("array.slice", args, 3);
      // Clamped as OPA does, so out-of-range indices never fail.
      stop = stop < 0 ? 0 : Math.min(stop, a.length);
      start = start < 0 ? 0 : Math.min(start, stop);
      return a.slice(start, stop);
    },
  },
  {
    name: "array.reverse",
    arity: 1,
    fn: (args) => [...arr("array.reverse", args, 1)].reverse(),
  },
  {
    // Flattens one level of nesting: [[1], [[2]]] → [1, [2]].
    name: "array.flatten",
    arity: 1,
    fn: (args) => {
      const out: Value[] = [];
      for (const x of arr("array.flatten", args, 1)) {
        if (Array.isArray(x)) out.push(...(x as readonly Value[]));
        else out.push(x);
      }
      return out;
    },
  },
];
