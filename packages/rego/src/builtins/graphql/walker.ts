/**
 * Query validation as OPA's copy of gqlparser (v2.5) runs it: one walk over the document
 * (validator/walk.go: every operation, then every fragment definition; each node's rules fire after
 * its children), with the validation rules of validator/rules/*.go reacting to each node in the order
 * they are registered (alphabetical by file). All errors are collected in that order; OPA reports the
 * first. The AST itself is never annotated (OPA returns it unannotated): what gqlparser stores on nodes
 * (field definitions, variable use) lives in side tables here.
 */
import type { Json, Obj } from "./parser.ts";
import { OverlapBudgetError, OverlapChecker, type FieldInfo } from "./overlapping.ts";
import { quotedOrList, suggestQuoted, suggestionList } from "./suggest.ts";
import { valuesOfCorrectType } from "./values.ts";
import {
  COMPOSITE,
  GraphQLValidationError,
  INPUT_KINDS,
  isCompatible,
  list,
  obj,
  str,
  strings,
  typeName,
  typeString,
  valueText,
  type Schema,
} from "./validate.ts";

/** Selection sets nested deeper than this (counting hops into fragments) abort validation. */
const MAX_DEPTH = 500;
/**
 * Nodes walked per validation. Fragments are walked once per operation, so many operations sharing
 * long fragment chains could otherwise take time quadratic in the document; gqlparser has no bound.
 */
const MAX_STEPS = 1_000_000;

const TYPENAME: Obj = { Name: "__typename", Type: { NamedType: "String", NonNull: false } };
/** validator/schema.go appends these to the query type. */
const QUERY_META: Obj[] = [
  { Name: "__schema", Type: { NamedType: "__Schema", NonNull: true } },
  {
    Name: "__type",
    Type: { NamedType: "__Type", NonNull: false },
    Arguments: [{ Name: "name", Type: { NamedType: "String", NonNull: true } }],
  },
];

const LEAF = new Set(["SCALAR", "ENUM"]);

interface Found {
  message: string;
  position: Json | undefined;
}

const named = (items: Obj[], name: string): Obj | undefined => items.find((i) => str(i, "Name") === name);

class Walker {
  readonly errors: Found[] = [];
  readonly #schema: Schema;
  readonly #doc: Obj;
  readonly #fragments = new Map<string, Obj>();
  readonly #fieldInfo = new Map<Obj, FieldInfo>();
  readonly #overlap: OverlapChecker;
  #op: Obj | undefined;
  #opVars = new Map<string, Obj>();
  #used = new Set<Obj>();
  #varOf = new Map<Obj, Obj>();
  #validatedSpreads = new Set<string>();
  #depth = 0;
  #steps = 0;
  // Rule state that lives for the whole walk (gqlparser keeps it in each rule's closure).
  #inFragmentDefinition = false;
  readonly #fragmentsUsed = new Set<string>();
  readonly #fragmentNames = new Set<string>();
  readonly #operationNames = new Set<string>();
  readonly #cycleVisited = new Set<string>();
  readonly #misplaced = new Set<string>();

  constructor(schema: Schema, doc: Obj) {
    this.#schema = schema;
    this.#doc = doc;
    for (const f of list(doc, "Fragments")) {
      if (!this.#fragments.has(str(f, "Name"))) this.#fragments.set(str(f, "Name"), f);
    }
    this.#overlap = new OverlapChecker({
      types: schema.types,
      fragments: this.#fragments,
      fields: this.#fieldInfo,
    });
  }

  #add(message: string, at: Obj | undefined): void {
    this.errors.push({ message, position: at?.Position });
  }

  #abort(message: string, at: Obj | undefined): never {
    throw new GraphQLValidationError(message, at?.Position);
  }

  #type(t: Obj | undefined): Obj | undefined {
    return t ? this.#schema.types.get(typeName(t)) : undefined;
  }

  #possibleTypes(def: Obj): Obj[] {
    return str(def, "Kind") === "OBJECT" ? [def] : (this.#schema.possibleTypes.get(str(def, "Name")) ?? []);
  }

  walk(): void {
    for (const op of list(this.#doc, "Operations")) {
      this.#validatedSpreads = new Set();
      this.#walkOperation(op);
    }
    for (const f of list(this.#doc, "Fragments")) {
      this.#validatedSpreads = new Set();
      this.#walkFragment(f);
    }
  }

  #walkOperation(op: Obj): void {
    this.#op = op;
    const varDefs = list(op, "VariableDefinitions");
    this.#opVars = new Map();
    for (const v of varDefs)
      if (!this.#opVars.has(str(v, "Variable"))) this.#opVars.set(str(v, "Variable"), v);
    for (const v of varDefs) {
      // KnownTypeNames (OnVariable).
      if (!this.#type(obj(v, "Type"))) this.#add(`Unknown type "${typeName(obj(v, "Type"))}".`, v);
    }
    const kind = str(op, "Operation") || "query";
    const root =
      kind === "mutation"
        ? this.#schema.mutation
        : kind === "subscription"
          ? this.#schema.subscription
          : this.#schema.query;
    for (const v of varDefs) {
      const dflt = obj(v, "DefaultValue");
      if (dflt) this.#walkValue(dflt, obj(v, "Type"), this.#type(obj(v, "Type")));
      this.#walkDirectives(list(v, "Directives"), "VARIABLE_DEFINITION");
    }
    this.#walkDirectives(list(op, "Directives"), kind.toUpperCase());
    this.#walkSelectionSet(root, list(op, "SelectionSet"));
    this.#onOperation(op, kind, root);
    this.#op = undefined;
  }

  #walkFragment(f: Obj): void {
    const def = this.#schema.types.get(str(f, "TypeCondition"));
    this.#walkDirectives(list(f, "Directives"), "FRAGMENT_DEFINITION");
    this.#walkSelectionSet(def, list(f, "SelectionSet"));
    this.#onFragment(f, def);
  }

  #walkSelectionSet(parent: Obj | undefined, selections: Obj[]): void {
    if (++this.#depth > MAX_DEPTH) this.#abort("selection sets nested too deep", selections[0]);
    for (const sel of selections) {
      if (++this.#steps > MAX_STEPS) this.#abort("document too large to validate", sel);
      // Fields always carry an Alias and inline fragments a TypeCondition (both survive OPA's
      // pruning); fragment spreads have neither.
      if ("Alias" in sel) this.#walkField(parent, sel);
      else if ("TypeCondition" in sel) this.#walkInlineFragment(parent, sel);
      else this.#walkSpread(parent, sel);
    }
    this.#depth--;
  }

  #fieldDefinition(parent: Obj | undefined, name: string): Obj | undefined {
    if (name === "__typename") return TYPENAME;
    if (!parent) return undefined;
    const found = named(list(parent, "Fields"), name);
    if (found || parent !== this.#schema.query) return found;
    return named(QUERY_META, name);
  }

  #walkField(parent: Obj | undefined, field: Obj): void {
    const def = this.#fieldDefinition(parent, str(field, "Name"));
    this.#fieldInfo.set(field, { def, parent });
    const next = this.#type(obj(def ?? {}, "Type"));
    for (const arg of list(field, "Arguments")) {
      const argDef = def ? named(list(def, "Arguments"), str(arg, "Name")) : undefined;
      const t = argDef ? obj(argDef, "Type") : undefined;
      this.#walkValue(obj(arg, "Value"), t, this.#type(t));
    }
    this.#walkDirectives(list(field, "Directives"), "FIELD");
    this.#walkSelectionSet(next, list(field, "SelectionSet"));
    this.#onField(field, def, parent);
  }

  #walkInlineFragment(parent: Obj | undefined, frag: Obj): void {
    const cond = str(frag, "TypeCondition");
    const next = cond !== "" ? this.#schema.types.get(cond) : parent;
    this.#walkDirectives(list(frag, "Directives"), "INLINE_FRAGMENT");
    this.#walkSelectionSet(next, list(frag, "SelectionSet"));
    this.#onInlineFragment(frag, parent);
  }

  #walkSpread(parent: Obj | undefined, spread: Obj): void {
    const name = str(spread, "Name");
    const def = this.#fragments.get(name);
    const next = def ? this.#schema.types.get(str(def, "TypeCondition")) : undefined;
    this.#walkDirectives(list(spread, "Directives"), "FRAGMENT_SPREAD");
    if (def && !this.#validatedSpreads.has(name)) {
      // Each fragment is entered once per operation (prevents infinite recursion on cycles).
      this.#validatedSpreads.add(name);
      this.#walkSelectionSet(next, list(def, "SelectionSet"));
    }
    this.#onFragmentSpread(spread, parent, def);
  }

  #walkDirectives(dirs: Obj[], location: string): void {
    for (const dir of dirs) {
      const def = this.#schema.directives.get(str(dir, "Name"));
      for (const arg of list(dir, "Arguments")) {
        const argDef = def ? named(list(def, "Arguments"), str(arg, "Name")) : undefined;
        const t = argDef ? obj(argDef, "Type") : undefined;
        this.#walkValue(obj(arg, "Value"), t, this.#type(t));
      }
      this.#onDirective(dir, def, location);
    }
    // UniqueDirectivesPerLocation. OPA's gqlparser exempts only a directive literally named
    // "repeatable", not repeatable directives (fixed upstream in 2026, after OPA's copy).
    const seen = new Set<string>();
    for (const dir of dirs) {
      const name = str(dir, "Name");
      if (name !== "repeatable" && seen.has(name))
        this.#add(`The directive "@${name}" can only be used once at this location.`, dir);
      seen.add(name);
    }
  }

  #walkValue(value: Obj | undefined, expected: Obj | undefined, def: Obj | undefined): void {
    if (!value) return;
    const kind = value.Kind;
    if (kind === 0 && this.#op) {
      const varDef = this.#opVars.get(str(value, "Raw"));
      // Re-resolved in every operation: a fragment's variable may be defined by one and not another.
      if (varDef) {
        this.#used.add(varDef);
        this.#varOf.set(value, varDef);
      } else {
        this.#varOf.delete(value);
      }
    }
    if (kind === 9) {
      for (const c of list(value, "Children")) {
        const field = def ? named(list(def, "Fields"), str(c, "Name")) : undefined;
        const t = field ? obj(field, "Type") : undefined;
        this.#walkValue(obj(c, "Value"), t, this.#type(t));
      }
    }
    if (kind === 8) {
      const elem = obj(expected ?? {}, "Elem");
      for (const c of list(value, "Children")) this.#walkValue(obj(c, "Value"), elem, elem ? def : undefined);
    }
    this.#onValue(value, expected, def);
  }

  // ---------------------------------------------------------------- rules, per node kind, in order

  #onOperation(op: Obj, kind: string, root: Obj | undefined): void {
    const name = str(op, "Name");
    const varDefs = list(op, "VariableDefinitions");
    // KnownRootType.
    if (!root) this.#add(`Schema does not support operation type "${str(op, "Operation")}"`, op);
    // LoneAnonymousOperation.
    if (name === "" && list(this.#doc, "Operations").length > 1)
      this.#add("This anonymous operation must be the only defined operation.", op);
    // NoUnusedVariables.
    for (const v of varDefs) {
      if (this.#used.has(v)) continue;
      const n = str(v, "Variable");
      this.#add(
        name !== ""
          ? `Variable "$${n}" is never used in operation "${name}".`
          : `Variable "$${n}" is never used.`,
        v,
      );
    }
    // OverlappingFieldsCanBeMerged.
    this.#overlaps(list(op, "SelectionSet"), op);
    // SingleFieldSubscriptions.
    if (this.#schema.subscription && kind === "subscription") this.#singleFieldSubscription(op);
    // UniqueOperationNames (the empty name too).
    if (this.#operationNames.has(name)) this.#add(`There can be only one operation named "${name}".`, op);
    this.#operationNames.add(name);
    // UniqueVariableNames, once per name.
    const counts = new Map<string, number>();
    for (const v of varDefs) {
      const n = str(v, "Variable");
      if (counts.get(n) === 1) this.#add(`There can be only one variable named "$${n}".`, v);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    // VariablesAreInputTypes.
    for (const v of varDefs) {
      const t = this.#type(obj(v, "Type"));
      if (t && !INPUT_KINDS.has(str(t, "Kind")))
        this.#add(
          `Variable "$${str(v, "Variable")}" cannot be non-input type "${typeString(obj(v, "Type"))}".`,
          v,
        );
    }
  }

  #onFragment(f: Obj, def: Obj | undefined): void {
    const name = str(f, "Name");
    const cond = str(f, "TypeCondition");
    // FragmentsOnCompositeTypes.
    if (def && cond !== "" && !COMPOSITE.has(str(def, "Kind")))
      this.#add(`Fragment "${name}" cannot condition on non composite type "${cond}".`, f);
    // KnownTypeNames.
    if (!def) {
      this.#add(
        `Unknown type "${cond}".` + suggestQuoted("Did you mean", cond, [...this.#schema.types.keys()]),
        f,
      );
    }
    // NoFragmentCycles.
    this.#fragmentCycles(f);
    // NoUnusedFragments: spreads inside fragment definitions do not count.
    this.#inFragmentDefinition = true;
    if (!this.#fragmentsUsed.has(name)) this.#add(`Fragment "${name}" is never used.`, f);
    // OverlappingFieldsCanBeMerged.
    this.#overlaps(list(f, "SelectionSet"), f);
    // UniqueFragmentNames.
    if (this.#fragmentNames.has(name)) this.#add(`There can be only one fragment named "${name}".`, f);
    this.#fragmentNames.add(name);
  }

  #onField(field: Obj, def: Obj | undefined, parent: Obj | undefined): void {
    const name = str(field, "Name");
    const args = list(field, "Arguments");
    // FieldsOnCorrectType.
    if (parent && !def) this.#add(this.#unknownFieldMessage(parent, name), field);
    // KnownArgumentNames.
    if (def && parent) {
      const names = list(def, "Arguments").map((a) => str(a, "Name"));
      for (const arg of args) {
        const an = str(arg, "Name");
        if (names.includes(an)) continue;
        this.#add(
          `Unknown argument "${an}" on field "${str(parent, "Name")}.${name}".` +
            suggestQuoted("Did you mean", an, names),
          field,
        );
      }
    }
    // OverlappingFieldsCanBeMerged (not for fragment definitions walked on their own: duplicates).
    if (this.#op) this.#overlaps(list(field, "SelectionSet"), field);
    if (def) {
      // ProvidedRequiredArguments.
      this.#requiredArguments(`Field "${name}"`, list(def, "Arguments"), args, field);
      // ScalarLeafs.
      const fieldType = this.#type(obj(def, "Type"));
      const sels = list(field, "SelectionSet");
      if (fieldType && LEAF.has(str(fieldType, "Kind")) && sels.length > 0) {
        this.#add(
          `Field "${name}" must not have a selection since type "${str(fieldType, "Name")}" has no subfields.`,
          field,
        );
      }
      if (fieldType && !LEAF.has(str(fieldType, "Kind")) && sels.length === 0) {
        this.#add(
          `Field "${name}" of type "${typeString(obj(def, "Type"))}" must have a selection of subfields. Did you mean "${name} { ... }"?`,
          field,
        );
      }
    }
    // UniqueArgumentNames.
    this.#uniqueArguments(args);
  }

  #onInlineFragment(frag: Obj, parent: Obj | undefined): void {
    const cond = str(frag, "TypeCondition");
    const t = cond !== "" ? this.#schema.types.get(cond) : undefined;
    // FragmentsOnCompositeTypes.
    if (t && !COMPOSITE.has(str(t, "Kind")))
      this.#add(`Fragment cannot condition on non composite type "${cond}".`, frag);
    // KnownTypeNames.
    if (cond !== "" && !t) this.#add(`Unknown type "${cond}".`, frag);
    // OverlappingFieldsCanBeMerged.
    this.#overlaps(list(frag, "SelectionSet"), frag);
    // PossibleFragmentSpreads.
    if (parent && !this.#canSpread(parent, cond)) {
      this.#add(
        `Fragment cannot be spread here as objects of type "${str(parent, "Name")}" can never be of type "${cond}".`,
        frag,
      );
    }
  }

  #onFragmentSpread(spread: Obj, parent: Obj | undefined, def: Obj | undefined): void {
    const name = str(spread, "Name");
    // KnownFragmentNames.
    if (!def) this.#add(`Unknown fragment "${name}".`, spread);
    // NoUnusedFragments.
    if (!this.#inFragmentDefinition) this.#fragmentsUsed.add(name);
    // PossibleFragmentSpreads.
    if (def && parent && !this.#canSpread(parent, str(def, "TypeCondition"))) {
      this.#add(
        `Fragment "${name}" cannot be spread here as objects of type "${str(parent, "Name")}" can never be of type "${str(def, "TypeCondition")}".`,
        spread,
      );
    }
  }

  #onDirective(dir: Obj, def: Obj | undefined, location: string): void {
    const name = str(dir, "Name");
    const args = list(dir, "Arguments");
    // KnownArgumentNames.
    if (def) {
      const names = list(def, "Arguments").map((a) => str(a, "Name"));
      for (const arg of args) {
        const an = str(arg, "Name");
        if (names.includes(an)) continue;
        this.#add(
          `Unknown argument "${an}" on directive "@${name}".` + suggestQuoted("Did you mean", an, names),
          dir,
        );
      }
    }
    // KnownDirectives (a misplaced directive is reported once per position).
    if (!def) {
      this.#add(`Unknown directive "@${name}".`, dir);
    } else if (!strings(def, "Locations").includes(location)) {
      const p = obj(dir, "Position") ?? {};
      const key = `${name}@${String(p.Line)}:${String(p.Column)}`;
      if (!this.#misplaced.has(key)) {
        this.#misplaced.add(key);
        this.#add(`Directive "@${name}" may not be used on ${location}.`, dir);
      }
    }
    // ProvidedRequiredArguments.
    if (def) this.#requiredArguments(`Directive "@${str(def, "Name")}"`, list(def, "Arguments"), args, dir);
    // UniqueArgumentNames.
    this.#uniqueArguments(args);
  }

  #onValue(value: Obj, expected: Obj | undefined, def: Obj | undefined): void {
    const kind = value.Kind;
    const varDef = this.#varOf.get(value);
    // NoUndefinedVariables.
    if (this.#op && kind === 0 && !varDef) {
      const opName = str(this.#op, "Name");
      this.#add(
        opName !== ""
          ? `Variable "${valueText(value)}" is not defined by operation "${opName}".`
          : `Variable "${valueText(value)}" is not defined.`,
        value,
      );
    }
    // UniqueInputFieldNames.
    if (kind === 9) {
      const seen = new Set<string>();
      for (const c of list(value, "Children")) {
        if (seen.has(str(c, "Name")))
          this.#add(`There can be only one input field named "${str(c, "Name")}".`, c);
        seen.add(str(c, "Name"));
      }
    }
    if (!expected) return;
    // ValuesOfCorrectType.
    if (def) {
      const dflt = (v: Obj): Obj | undefined => obj(this.#varOf.get(v) ?? {}, "DefaultValue");
      for (const e of valuesOfCorrectType(value, expected, def, dflt)) this.#add(e.message, e.at);
    }
    // VariablesInAllowedPosition: a default value lets a nullable variable fill a non-null position.
    if (kind === 0 && varDef && this.#op) {
      const tmp: Obj = { ...expected };
      const dflt = obj(varDef, "DefaultValue");
      if (dflt && dflt.Kind !== 6 && expected.NonNull === true) tmp.NonNull = false;
      if (!isCompatible(obj(varDef, "Type"), tmp)) {
        this.#add(
          `Variable "${valueText(value)}" of type "${typeString(obj(varDef, "Type"))}" used in position expecting type "${typeString(expected)}".`,
          value,
        );
      }
    }
  }

  // ---------------------------------------------------------------- rule helpers

  #requiredArguments(owner: string, defs: Obj[], given: Obj[], at: Obj): void {
    for (const d of defs) {
      if (obj(d, "Type")?.NonNull !== true || obj(d, "DefaultValue")) continue;
      if (named(given, str(d, "Name"))) continue;
      this.#add(
        `${owner} argument "${str(d, "Name")}" of type "${typeString(obj(d, "Type"))}" is required, but it was not provided.`,
        at,
      );
    }
  }

  #uniqueArguments(args: Obj[]): void {
    const counts = new Map<string, number>();
    for (const arg of args) {
      const n = str(arg, "Name");
      if (counts.get(n) === 1) this.#add(`There can be only one argument named "${n}".`, arg);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
  }

  /** PossibleFragmentSpreads' test: some object type is both the parent and the fragment's type. */
  #canSpread(parent: Obj, fragmentType: string): boolean {
    if (!COMPOSITE.has(str(parent, "Kind"))) return true;
    const t = this.#schema.types.get(fragmentType);
    if (!t || !COMPOSITE.has(str(t, "Kind"))) return true;
    const parents = new Set(this.#possibleTypes(parent).map((p) => str(p, "Name")));
    return this.#possibleTypes(t).some((p) => parents.has(str(p, "Name")));
  }

  #overlaps(selectionSet: Obj[], at: Obj): void {
    try {
      for (const c of this.#overlap.conflictsWithin(selectionSet)) this.#add(c.message, c.at);
    } catch (e) {
      if (e instanceof OverlapBudgetError) this.#abort(e.message, at);
      throw e;
    }
  }

  /** FieldsOnCorrectType's message with gqlparser's suggestions. */
  #unknownFieldMessage(parent: Obj, name: string): string {
    const message = `Cannot query field "${name}" on type "${str(parent, "Name")}".`;
    const kind = str(parent, "Kind");
    if (kind === "INTERFACE" || kind === "UNION") {
      // The types that do have the field: interfaces used most first, then by name.
      const objects: string[] = [];
      const interfaces: string[] = [];
      const usage = new Map<string, number>();
      for (const t of this.#schema.possibleTypes.get(str(parent, "Name")) ?? []) {
        if (!named(list(t, "Fields"), name)) continue;
        objects.push(str(t, "Name"));
        for (const i of strings(t, "Interfaces")) {
          const idef = this.#schema.types.get(i);
          if (!idef || !named(list(idef, "Fields"), name)) continue;
          if (!usage.has(i)) interfaces.push(i);
          usage.set(i, (usage.get(i) ?? 0) + 1);
        }
      }
      const types = [...interfaces, ...objects].sort(
        (a, b) => (usage.get(b) ?? 0) - (usage.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
      );
      if (types.length > 0)
        return `${message} Did you mean to use an inline fragment on ${quotedOrList(types)}?`;
    }
    if (kind !== "OBJECT" && kind !== "INTERFACE") return message;
    const names = list(parent, "Fields").map((f) => str(f, "Name"));
    if (parent === this.#schema.query) names.push("__schema", "__type");
    const similar = suggestionList(name, names);
    return similar.length > 0 ? `${message} Did you mean ${quotedOrList(similar)}?` : message;
  }

  /** SingleFieldSubscriptions: distinct top-level field names through fragments, one, not "__". */
  #singleFieldSubscription(op: Obj): void {
    const fields: Obj[] = [];
    const entered = new Set<string>();
    const walk = (sels: Obj[]): void => {
      for (const sel of sels) {
        if ("Alias" in sel) fields.push(sel);
        else if ("TypeCondition" in sel) walk(list(sel, "SelectionSet"));
        else {
          const frag = this.#fragments.get(str(sel, "Name"));
          // gqlparser stops walking this selection set at a spread of an unknown fragment.
          if (!frag) return;
          if (!entered.has(str(frag, "Name"))) {
            entered.add(str(frag, "Name"));
            walk(list(frag, "SelectionSet"));
          }
        }
      }
    };
    walk(list(op, "SelectionSet"));
    const seen = new Set<string>();
    const unique = fields.filter((f) => !seen.has(str(f, "Name")) && seen.add(str(f, "Name")));
    const name =
      str(op, "Name") !== "" ? `Subscription ${JSON.stringify(str(op, "Name"))}` : "Anonymous Subscription";
    if (unique.length > 1) this.#add(`${name} must select only one top level field.`, unique[1]);
    for (const f of unique) {
      if (str(f, "Name").startsWith("__"))
        this.#add(`${name} must not select an introspection top level field.`, f);
    }
  }

  /**
   * NoFragmentCycles: a depth-first search over spreads from this fragment; each fragment is searched
   * once per document. An explicit stack, as chains of fragments can be long.
   */
  #fragmentCycles(start: Obj): void {
    const spreadPath: Obj[] = [];
    const indexByName = new Map<string, number>();
    const stack: { frag: Obj; spreads: Obj[]; next: number }[] = [];
    const enter = (frag: Obj): void => {
      if (this.#cycleVisited.has(str(frag, "Name"))) return;
      this.#cycleVisited.add(str(frag, "Name"));
      const spreads = fragmentSpreads(list(frag, "SelectionSet"));
      if (spreads.length === 0) return;
      indexByName.set(str(frag, "Name"), spreadPath.length);
      stack.push({ frag, spreads, next: 0 });
    };
    enter(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next > 0) spreadPath.pop();
      if (top.next === top.spreads.length) {
        indexByName.delete(str(top.frag, "Name"));
        stack.pop();
        continue;
      }
      const spread = top.spreads[top.next++]!;
      const name = str(spread, "Name");
      const cycleIndex = indexByName.get(name);
      spreadPath.push(spread);
      if (cycleIndex === undefined) {
        const frag = this.#fragments.get(name);
        if (frag) enter(frag);
        continue;
      }
      const via = spreadPath.slice(cycleIndex, -1).map((s) => `"${str(s, "Name")}"`);
      this.#add(
        `Cannot spread fragment "${name}" within itself${via.length > 0 ? ` via ${via.join(", ")}` : ""}.`,
        spread,
      );
    }
  }
}

/** The fragment spreads anywhere inside a selection set, in gqlparser's getFragmentSpreads order. */
function fragmentSpreads(selectionSet: Obj[]): Obj[] {
  const spreads: Obj[] = [];
  const toVisit = [selectionSet];
  while (toVisit.length > 0) {
    for (const sel of toVisit.pop()!) {
      if ("Alias" in sel || "TypeCondition" in sel) toVisit.push(list(sel, "SelectionSet"));
      else spreads.push(sel);
    }
  }
  return spreads;
}

/** Every rule violation in the order gqlparser reports them. */
export function validationErrors(schema: Schema, doc: Obj): GraphQLValidationError[] {
  const w = new Walker(schema, doc);
  w.walk();
  return w.errors.map((e) => new GraphQLValidationError(e.message, e.position));
}

/** validator.Validate as OPA uses it: the first violation, thrown. */
export function validateQuery(schema: Schema, doc: Obj): void {
  const first = validationErrors(schema, doc)[0];
  if (first) throw first;
}
