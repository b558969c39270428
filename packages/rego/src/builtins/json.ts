/**
 * JSON document builtins (OPA v1/topdown/json.go): json.filter, json.remove (paths as "/a/b" JSON
 * pointers or arrays of segments) and json.patch (RFC 6902; a failing patch makes the call undefined,
 * as OPA's builtinJSONPatch returns no result on error).
 */
import { RObject, RSet, equals, typeName, type Value } from "../value/value.ts";
import { findPath, filterValue } from "./objects.ts";
import { arr, obj, operandError, typeError } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

type Path = readonly Value[];

/** json.go parsePath: "/a/b~1c" → ["a", "b/c"]; arrays are taken as segments. */
function parsePath(name: string, p: Value): Path {
  if (typeof p === "string") {
    if (p === "") return [];
    return p
      .replace(/^\/+/, "")
      .split("/")
      .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
  }
  if (Array.isArray(p)) return p as Path;
  throw operandError(
    name,
    2,
    `must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`,
  );
}

function jsonPaths(name: string, v: Value): Path[] {
  if (Array.isArray(v)) return (v as readonly Value[]).map((p) => parsePath(name, p));
  if (v instanceof RSet) return v.sorted().map((p) => parsePath(name, p));
  throw typeError(name, 2, v, "set", "array");
}

/** json.go pathsToObject: a tree of objects whose null leaves mark the selected paths. */
function pathsToTree(paths: Path[]): RObject {
  const root = new RObject();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const child = node.get(path[i]!);
      if (child === undefined) {
        const next = new RObject();
        node.set(path[i]!, next);
        node = next;
      } else if (child === null) {
        done = true;
      } else {
        node = child as RObject;
      }
    }
    if (!done) node.set(path[path.length - 1]!, null);
  }
  return root;
}

/** json.go jsonRemove: drops the values at the tree's null leaves; array gaps close up. */
function removeTree(a: Value, b: Value | undefined): Value | undefined {
  if (b === undefined) return a;
  if (b === null) return undefined;
  if (!(b instanceof RObject)) return a;
  if (a instanceof RObject) {
    const out = new RObject();
    for (const [k, v] of a.entries()) {
      const r = removeTree(v, b.get(k));
      if (r !== undefined) out.set(k, r);
    }
    return out;
  }
  if (a instanceof RSet) {
    const out = new RSet();
    for (const v of a) {
      const r = removeTree(v, b.get(v));
      if (r !== undefined) out.add(r);
    }
    return out;
  }
  if (Array.isArray(a)) {
    const out: Value[] = [];
    (a as readonly Value[]).forEach((v, i) => {
      const r = removeTree(v, b.get(String(i)));
      if (r !== undefined) out.push(r);
    });
    return out;
  }
  return a;
}

// ------------------------------------------------------------------------------------------ json.patch

class PatchError extends Error {}

/** An array position from a path segment: integer or decimal string; "-" means the end when inserting. */
function arrayIndex(seg: Value, length: number, inserting: boolean): number {
  if (inserting && seg === "-") return length;
  let i: number | undefined;
  if (typeof seg === "number" && Number.isInteger(seg)) i = seg;
  else if (typeof seg === "string" && /^(0|[1-9]\d*)$/.test(seg)) i = Number(seg);
  if (i === undefined || i < 0 || i > length || (!inserting && i === length))
    throw new PatchError(`invalid array index ${String(seg)}`);
  return i;
}

/** Rebuilds `v` with `edit` applied to the container at `path[0..n-1]` and the last segment. */
function editAt(v: Value, path: Path, i: number, edit: (parent: Value, seg: Value) => Value): Value {
  if (i === path.length - 1) return edit(v, path[i]!);
  const seg = path[i]!;
  if (v instanceof RObject) {
    const child = v.get(seg);
    if (child === undefined) throw new PatchError("path not found");
    return copyObject(v).set(seg, editAt(child, path, i + 1, edit));
  }
  if (Array.isArray(v)) {
    const a = v as readonly Value[];
    const idx = arrayIndex(seg, a.length, false);
    const out = [...a];
    out[idx] = editAt(a[idx]!, path, i + 1, edit);
    return out;
  }
  if (v instanceof RSet) {
    if (!v.has(seg)) throw new PatchError("path not found");
    const out = RSet.of([...v].filter((x) => !equals(x, seg)));
    return out.add(editAt(seg, path, i + 1, edit));
  }
  throw new PatchError("path not found");
}

function copyObject(o: RObject): RObject {
  return RObject.fromEntries(o.entries());
}

function insertAt(doc: Value, path: Path, value: Value): Value {
  if (path.length === 0) return value;
  return editAt(doc, path, 0, (parent, seg) => {
    if (parent instanceof RObject) return copyObject(parent).set(seg, value);
    if (Array.isArray(parent)) {
      const a = [...(parent as readonly Value[])];
      a.splice(arrayIndex(seg, a.length, true), 0, value);
      return a;
    }
    // A set member is addressed by its own value: the last segment must equal the value added.
    if (parent instanceof RSet) {
      if (!equals(seg, value)) throw new PatchError("set member path and value differ");
      return RSet.of(parent).add(value);
    }
    throw new PatchError("cannot insert into a scalar");
  });
}

function deleteAt(doc: Value, path: Path): Value {
  if (path.length === 0) throw new PatchError("cannot delete the document root");
  return editAt(doc, path, 0, (parent, seg) => {
    if (parent instanceof RObject) {
      if (!parent.has(seg)) throw new PatchError("path not found");
      const o = copyObject(parent);
      o.delete(seg);
      return o;
    }
    if (Array.isArray(parent)) {
      const a = [...(parent as readonly Value[])];
      a.splice(arrayIndex(seg, a.length, false), 1);
      return a;
    }
    if (parent instanceof RSet) {
      if (!parent.has(seg)) throw new PatchError("path not found");
      return RSet.of([...parent].filter((x) => !equals(x, seg)));
    }
    throw new PatchError("cannot delete from a scalar");
  });
}

function valueAt(doc: Value, path: Path): Value {
  const v = findPathLoose(doc, path);
  if (v === undefined) throw new PatchError("path not found");
  return v;
}

/** Like findPath, but array positions may be decimal strings (JSON pointer segments). */
function findPathLoose(doc: Value, path: Path): Value | undefined {
  let cur: Value = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const a = cur as readonly Value[];
      let idx: number;
      try {
        idx = arrayIndex(seg, a.length, false);
      } catch {
        return undefined;
      }
      cur = a[idx]!;
    } else {
      const next = findPath(cur, [seg]);
      if (next === undefined) return undefined;
      cur = next;
    }
  }
  return cur;
}

const PATCH_OPS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

function applyPatch(doc: Value, ops: readonly Value[]): Value {
  for (const op of ops) {
    if (!(op instanceof RObject)) throw new PatchError("must be an array of JSON-Patch objects");
    const attr = (a: string): Value => {
      const v = op.get(a);
      if (v === undefined) throw new PatchError(`missing '${a}' attribute`);
      return v;
    };
    const kind = attr("op");
    if (typeof kind !== "string" || !PATCH_OPS.has(kind)) throw new PatchError("unrecognized op");
    const path = parsePath("json.patch", attr("path"));
    switch (kind) {
      case "add":
        doc = insertAt(doc, path, attr("value"));
        break;
      case "remove":
        doc = deleteAt(doc, path);
        break;
      case "replace":
        // Replacing the root swaps the whole document (even a scalar one).
        doc = path.length === 0 ? attr("value") : insertAt(deleteAt(doc, path), path, attr("value"));
        break;
      case "move": {
        const from = parsePath("json.patch", attr("from"));
        const chunk = valueAt(doc, from);
        doc = insertAt(deleteAt(doc, from), path, chunk);
        break;
      }
      case "copy": {
        const from = parsePath("json.patch", attr("from"));
        doc = insertAt(doc, path, valueAt(doc, from));
        break;
      }
      case "test":
        if (!equals(valueAt(doc, path), attr("value"))) throw new PatchError("test failed");
        break;
    }
  }
  return doc;
}

export const jsonBuiltins: BuiltinDef[] = [
  {
    name: "json.filter",
    arity: 2,
    fn: (args) => {
      const o = obj("json.filter", args, 1);
      return filterValue(o, pathsToTree(jsonPaths("json.filter", args[1]!)));
    },
  },
  {
    name: "json.remove",
    arity: 2,
    fn: (args) => {
      const o = obj("json.remove", args, 1);
      return removeTree(o, pathsToTree(jsonPaths("json.remove", args[1]!)));
    },
  },
  {
    name: "json.patch",
    arity: 2,
    fn: (args) => {
      const ops = arr("json.patch", args, 2);
      try {
        return applyPatch(args[0]!, ops);
      } catch (e) {
        if (e instanceof PatchError) return undefined;
        throw e;
      }
    },
  },
];
