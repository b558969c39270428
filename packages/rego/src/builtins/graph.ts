/**
 * graph.reachable and graph.reachable_paths (OPA v1/topdown/reachable.go). A graph is an object from
 * vertex to an array or set of neighbours; vertices absent from the graph are ignored.
 */
import { BuiltinError, operandTypeError } from "../errors.ts";
import { RSet, typeName, type Value } from "../value/value.ts";
import { objectOperand } from "./operands-b.ts";
import type { BuiltinDef } from "./types.ts";

/** reachable_paths enumerates simple paths, which can be exponential: bound the work. */
export const REACHABLE_PATHS_LIMIT = 100_000;

function vertices(v: Value | undefined): readonly Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return v.sorted();
  return [];
}

function initialOperand(name: string, v: Value): readonly Value[] {
  if (!Array.isArray(v) && !(v instanceof RSet)) throw operandTypeError(name, 2, "{array, set}", typeName(v));
  return vertices(v);
}

export const graphBuiltins: BuiltinDef[] = [
  {
    name: "graph.reachable",
    arity: 2,
    fn: ([g, initial]) => {
      const name = "graph.reachable";
      const graph = objectOperand(name, g!, 1);
      const queue = [...initialOperand(name, initial!)];
      const reached = new RSet();
      const queued = RSet.of(queue);
      for (let i = 0; i < queue.length; i++) {
        const node = queue[i]!;
        const edges = graph.get(node);
        if (edges === undefined) continue;
        for (const neighbour of vertices(edges)) {
          if (!reached.has(neighbour) && !queued.has(neighbour)) {
            queued.add(neighbour);
            queue.push(neighbour);
          }
        }
        reached.add(node);
      }
      return reached;
    },
  },
  {
    name: "graph.reachable_paths",
    arity: 2,
    fn: ([g, initial]) => {
      const name = "graph.reachable_paths";
      const graph = objectOperand(name, g!, 1);
      const result = new RSet();
      let steps = 0;
      const build = (root: Value, path: Value[], reached: RSet): void => {
        if (++steps > REACHABLE_PATHS_LIMIT) {
          throw new BuiltinError(
            "eval_limit_error",
            `${name}: more than ${REACHABLE_PATHS_LIMIT} path steps`,
            {
              halt: true,
            },
          );
        }
        const edges = graph.get(root);
        if (edges === undefined) {
          // Vertex not in the graph: the path ends before it.
          result.add(path);
          return;
        }
        const here = [...path, root];
        const neighbours = vertices(edges);
        if (neighbours.length === 0) {
          result.add(here);
          return;
        }
        const seen = RSet.of(reached);
        seen.add(root);
        for (const n of neighbours) {
          if (seen.has(n))
            result.add(here); // a cycle ends the path
          else build(n, here, seen);
        }
      };
      for (const node of initialOperand(name, initial!)) {
        const edges = graph.get(node);
        if (edges === undefined) continue;
        const neighbours = vertices(edges);
        if (neighbours.length === 0) result.add([node]);
        for (const n of neighbours) build(n, [node], RSet.of([node]));
      }
      return result;
    },
  },
];
