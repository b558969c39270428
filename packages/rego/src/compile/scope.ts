/**
 * Lexical scopes of a rule or query: which var name maps to which frame slot.
 *
 * OPA semantics (v1/ast/compile.go rewriteLocalVars): `:=`, `some`, function args and `every`/`some … in`
 * patterns declare a var in the current scope, shadowing outer ones; an undeclared var is shared with
 * the outermost enclosing scope where it also appears (comprehensions are closures), and a name matching
 * a rule of the package or an import refers to that global unless declared locally.
 */
export class SlotAllocator {
  readonly names: string[] = [];

  alloc(name: string): number {
    this.names.push(name);
    return this.names.length - 1;
  }

  get size(): number {
    return this.names.length;
  }
}

export class Scope {
  readonly parent: Scope | undefined;
  readonly declared = new Map<string, number>();
  /** Undeclared names occurring directly in this scope (not in nested closures). */
  readonly occurs: Set<string>;
  readonly implicit = new Map<string, number>();
  /** Every slot owned by this scope or scopes nested in it. */
  readonly owned = new Set<number>();
  readonly slots: SlotAllocator;
  /** Literal index of each declaration: a var is visible only from its declaring literal on. */
  readonly declIndex = new Map<string, number>();
  /** The literal being compiled (Infinity once the body is done: heads see every declaration). */
  cursor = Infinity;

  constructor(slots: SlotAllocator, parent: Scope | undefined, occurs: Set<string>) {
    this.slots = slots;
    this.parent = parent;
    this.occurs = occurs;
  }

  declare(name: string, at = -1): number {
    const slot = this.slots.alloc(name);
    this.declared.set(name, slot);
    this.declIndex.set(name, at);
    // A declared name is not an implicit var of this scope, so closures before the declaration
    // keep their own var of that name (OPA rewriteLocalVars).
    this.occurs.delete(name);
    this.own(slot);
    return slot;
  }

  fresh(name: string): number {
    const slot = this.slots.alloc(name);
    this.own(slot);
    return slot;
  }

  private own(slot: number): void {
    this.owned.add(slot);
    this.parent?.own(slot);
  }

  /** A slot declared explicitly in this or an enclosing scope. */
  findDeclared(name: string): number | undefined {
    const slot = this.declared.get(name);
    if (slot !== undefined && (this.declIndex.get(name) ?? -1) <= this.cursor) return slot;
    return this.parent?.findDeclared(name);
  }

  private outermostOccurring(name: string): Scope | undefined {
    return this.parent?.outermostOccurring(name) ?? (this.occurs.has(name) ? this : undefined);
  }

  /** The slot of an undeclared var: owned by the outermost scope where the name occurs. */
  implicitSlot(name: string): number {
    const owner = this.outermostOccurring(name) ?? this;
    let slot = owner.implicit.get(name);
    if (slot === undefined) {
      slot = owner.slots.alloc(name);
      owner.implicit.set(name, slot);
      owner.own(slot);
    }
    return slot;
  }
}
