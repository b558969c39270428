/**
 * The OverlappingFieldsCanBeMerged validation rule (GraphQL spec §5.3.2) as gqlparser implements it
 * (validator/rules/overlapping_fields_can_be_merged.go): two fields with the same response name must be
 * the same field with the same arguments (unless their parents can never be the same object), must not
 * return conflicting types, and their sub-selections must merge too. The comparison order, the fragment
 * bookkeeping and the message text follow gqlparser so the first conflict reported is the same one.
 */
import type { Obj } from "./parser.ts";

/** What gqlparser's walker records on each field: its definition and the type it was selected on. */
export interface FieldInfo {
  def: Obj | undefined;
  parent: Obj | undefined;
}

export interface OverlapInput {
  types: ReadonlyMap<string, Obj>;
  fragments: ReadonlyMap<string, Obj>;
  fields: ReadonlyMap<Obj, FieldInfo>;
}

/** A conflict as gqlparser words it; `at` is the field whose position the error carries. */
export interface OverlapConflict {
  message: string;
  at: Obj;
}

/** Raised when the comparison steps exceed MAX_COMPARISONS (the rule is quadratic, and worse with fragments). */
export class OverlapBudgetError extends Error {}

/**
 * Comparison steps (field pairs, fragment pairs) allowed per validation. gqlparser has no bound; ours turns adversarial
 * documents (thousands of same-named fields, or fragments spread everywhere) into an error in bounded
 * time. Ordinary documents stay far below it.
 */
const MAX_COMPARISONS = 200_000;

interface ConflictMessage {
  responseName: string;
  message: string;
  sub: ConflictMessage[];
  at: Obj;
}

/** Fields by response name, in first-seen order (gqlparser sequentialFieldsMap). */
type FieldsMap = Map<string, Obj[]>;

const str = (o: Obj, k: string): string => (typeof o[k] === "string" ? (o[k] as string) : "");
const list = (o: Obj | undefined, k: string): Obj[] => (o && Array.isArray(o[k]) ? (o[k] as Obj[]) : []);
const obj = (o: Obj | undefined, k: string): Obj | undefined =>
  o && o[k] !== null && typeof o[k] === "object" && !Array.isArray(o[k]) ? (o[k] as Obj) : undefined;

function typeString(t: Obj | undefined): string {
  if (!t) return "";
  const nn = t.NonNull === true ? "!" : "";
  return str(t, "NamedType") !== "" ? str(t, "NamedType") + nn : `[${typeString(obj(t, "Elem"))}]${nn}`;
}

function render(m: ConflictMessage): string {
  if (m.sub.length === 0) return m.message;
  return m.sub.map((s) => `subfields "${s.responseName}" conflict because ${render(s)}`).join(" and ");
}

/** sameValue compares only Kind and Raw (so lists and objects, whose Raw is empty, always match). */
function sameValue(a: Obj | undefined, b: Obj | undefined): boolean {
  return (a?.Kind ?? null) === (b?.Kind ?? null) && str(a ?? {}, "Raw") === str(b ?? {}, "Raw");
}

function sameArguments(a: Obj[], b: Obj[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) =>
    b.some((y) => str(x, "Name") === str(y, "Name") && sameValue(obj(x, "Value"), obj(y, "Value"))),
  );
}

export class OverlapChecker {
  readonly #in: OverlapInput;
  /** Fragment pairs already compared, and whether as mutually exclusive (gqlparser pairSet). */
  readonly #pairs = new Map<string, Map<string, boolean>>();
  /** Fragments compared against the current field set (replaced as gqlparser replaces it). */
  #comparedFragments = new Set<string>();
  #work = 0;

  constructor(input: OverlapInput) {
    this.#in = input;
  }

  /** The conflicts within one selection set (an operation's, a field's, a fragment's), in order. */
  conflictsWithin(selectionSet: Obj[]): OverlapConflict[] {
    return this.#withinSelectionSet(selectionSet).map((found) => ({
      message: `Fields "${found.responseName}" conflict because ${render(found)}. Use different aliases on the fields to fetch both if this was intentional.`,
      at: found.at,
    }));
  }

  #tick(): void {
    if (++this.#work > MAX_COMPARISONS)
      throw new OverlapBudgetError("too many overlapping fields to compare");
  }

  #collect(selectionSet: Obj[]): [FieldsMap, Obj[]] {
    const fields: FieldsMap = new Map();
    const spreads: Obj[] = [];
    const walk = (sels: Obj[]): void => {
      for (const sel of sels) {
        if ("Alias" in sel) {
          const name = str(sel, "Alias") || str(sel, "Name");
          const at = fields.get(name);
          if (at) at.push(sel);
          else fields.set(name, [sel]);
        } else if ("TypeCondition" in sel) {
          walk(list(sel, "SelectionSet"));
        } else {
          spreads.push(sel);
        }
      }
    };
    walk(selectionSet);
    return [fields, spreads];
  }

  #withinSelectionSet(selectionSet: Obj[]): ConflictMessage[] {
    if (selectionSet.length === 0) return [];
    const [fields, spreads] = this.#collect(selectionSet);
    const conflicts: ConflictMessage[] = [];
    // (A) conflicts among the set's own fields.
    for (const group of fields.values()) {
      for (let i = 0; i < group.length; i++) {
        for (let j = i + 1; j < group.length; j++) {
          const c = this.#findConflict(false, group[i]!, group[j]!);
          if (c) conflicts.push(c);
        }
      }
    }
    this.#comparedFragments = new Set();
    spreads.forEach((a, i) => {
      // (B) the fields against each spread fragment, (C) spread fragments against each other.
      this.#betweenFieldsAndFragment(conflicts, false, fields, a);
      for (const b of spreads.slice(i + 1)) this.#betweenFragments(conflicts, false, a, b);
    });
    return conflicts;
  }

  #fragment(spread: Obj): Obj | undefined {
    return this.#in.fragments.get(str(spread, "Name"));
  }

  #betweenFieldsAndFragment(
    conflicts: ConflictMessage[],
    exclusive: boolean,
    fields: FieldsMap,
    spread: Obj,
  ): void {
    this.#tick();
    const name = str(spread, "Name");
    if (this.#comparedFragments.has(name)) return;
    this.#comparedFragments.add(name);
    const def = this.#fragment(spread);
    if (!def) return;
    const [fieldsB, spreadsB] = this.#collect(list(def, "SelectionSet"));
    // gqlparser skips a fragment whose fields deep-equal the set's own (a fragment against itself).
    if (sameFields(fields, fieldsB)) return;
    this.#between(conflicts, exclusive, fields, fieldsB);
    for (const s of spreadsB) {
      if (str(s, "Name") === name) continue;
      this.#betweenFieldsAndFragment(conflicts, exclusive, fields, s);
    }
  }

  #hasPair(a: string, b: string, exclusive: boolean): boolean {
    const stored = this.#pairs.get(a)?.get(b);
    if (stored === undefined) return false;
    // Compared as not exclusive covers both; compared as exclusive covers only exclusive.
    return exclusive ? true : !stored;
  }

  #addPair(a: string, b: string, exclusive: boolean): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      let m = this.#pairs.get(x);
      if (!m) this.#pairs.set(x, (m = new Map()));
      m.set(y, exclusive);
    }
  }

  #betweenFragments(conflicts: ConflictMessage[], exclusive: boolean, a0: Obj, b0: Obj): void {
    const check = (a: Obj, b: Obj): void => {
      this.#tick();
      const an = str(a, "Name");
      const bn = str(b, "Name");
      if (an === bn || this.#hasPair(an, bn, exclusive)) return;
      this.#addPair(an, bn, exclusive);
      const defA = this.#fragment(a);
      const defB = this.#fragment(b);
      if (!defA || !defB) return;
      const [fieldsA, spreadsA] = this.#collect(list(defA, "SelectionSet"));
      const [fieldsB, spreadsB] = this.#collect(list(defB, "SelectionSet"));
      // (F) the two fragments' fields, (G) each against the other's nested fragments.
      this.#between(conflicts, exclusive, fieldsA, fieldsB);
      for (const s of spreadsB) check(a, s);
      for (const s of spreadsA) check(s, b);
    };
    check(a0, b0);
  }

  #between(conflicts: ConflictMessage[], exclusive: boolean, a: FieldsMap, b: FieldsMap): void {
    for (const [name, fieldsA] of a) {
      const fieldsB = b.get(name);
      if (!fieldsB) continue;
      for (const fa of fieldsA) {
        for (const fb of fieldsB) {
          const c = this.#findConflict(exclusive, fa, fb);
          if (c) conflicts.push(c);
        }
      }
    }
  }

  #betweenSubSelectionSets(exclusive: boolean, a: Obj[], b: Obj[]): ConflictMessage[] {
    const conflicts: ConflictMessage[] = [];
    const [fieldsA, spreadsA] = this.#collect(a);
    const [fieldsB, spreadsB] = this.#collect(b);
    // (H) field against field, (I) fields against the other side's fragments, (J) fragment pairs.
    this.#between(conflicts, exclusive, fieldsA, fieldsB);
    for (const s of spreadsB) {
      this.#comparedFragments = new Set();
      this.#betweenFieldsAndFragment(conflicts, exclusive, fieldsA, s);
    }
    for (const s of spreadsA) {
      this.#comparedFragments = new Set();
      this.#betweenFieldsAndFragment(conflicts, exclusive, fieldsB, s);
    }
    for (const sa of spreadsA)
      for (const sb of spreadsB) this.#betweenFragments(conflicts, exclusive, sa, sb);
    return conflicts;
  }

  #typesConflict(t1: Obj | undefined, t2: Obj | undefined): boolean {
    const e1 = obj(t1, "Elem");
    const e2 = obj(t2, "Elem");
    if (e1) return e2 ? this.#typesConflict(e1, e2) : true;
    if (e2) return true;
    if ((t1?.NonNull === true) !== (t2?.NonNull === true)) return true;
    const d1 = this.#in.types.get(str(t1 ?? {}, "NamedType"));
    const d2 = this.#in.types.get(str(t2 ?? {}, "NamedType"));
    const leaf = (d: Obj | undefined): boolean => d?.Kind === "SCALAR" || d?.Kind === "ENUM";
    if (leaf(d1) && leaf(d2)) return str(d1!, "Name") !== str(d2!, "Name");
    return false;
  }

  #findConflict(parentExclusive: boolean, a: Obj, b: Obj): ConflictMessage | undefined {
    this.#tick();
    const ia = this.#in.fields.get(a);
    const ib = this.#in.fields.get(b);
    // Fields of unknown types are skipped; fields unknown on a known type still must match by name.
    if (!ia?.parent || !ib?.parent) return undefined;
    const exclusive =
      parentExclusive ||
      (str(ia.parent, "Name") !== str(ib.parent, "Name") &&
        ia.parent.Kind === "OBJECT" &&
        ib.parent.Kind === "OBJECT" &&
        ia.def !== undefined &&
        ib.def !== undefined);
    const responseName = str(a, "Alias") || str(a, "Name");
    const conflict = (message: string, sub: ConflictMessage[] = []): ConflictMessage => ({
      responseName,
      message,
      sub,
      at: b,
    });
    if (!exclusive) {
      if (str(a, "Name") !== str(b, "Name"))
        return conflict(`"${str(a, "Name")}" and "${str(b, "Name")}" are different fields`);
      if (!sameArguments(list(a, "Arguments"), list(b, "Arguments")))
        return conflict("they have differing arguments");
    }
    const ta = obj(ia.def, "Type");
    const tb = obj(ib.def, "Type");
    if (ia.def && ib.def && this.#typesConflict(ta, tb))
      return conflict(`they return conflicting types "${typeString(ta)}" and "${typeString(tb)}"`);
    const sub = this.#betweenSubSelectionSets(exclusive, list(a, "SelectionSet"), list(b, "SelectionSet"));
    return sub.length > 0 ? conflict("", sub) : undefined;
  }
}

/** reflect.DeepEqual over two field maps: the same response names holding structurally equal fields. */
function sameFields(a: FieldsMap, b: FieldsMap): boolean {
  if (a.size !== b.size) return false;
  for (const [name, fa] of a) {
    const fb = b.get(name);
    if (!fb || fb.length !== fa.length) return false;
    for (let i = 0; i < fa.length; i++) {
      if (fa[i] !== fb[i] && JSON.stringify(fa[i]) !== JSON.stringify(fb[i])) return false;
    }
  }
  return true;
}
