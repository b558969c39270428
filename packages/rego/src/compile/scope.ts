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

  constructor(slots: SlotAllocator, parent: Scope | undefined, occurs: Set<string>) {
    this.slots = slots;
    this.parent = parent;
    this.occurs = occurs;
  }

  declare(name: string): number {
    const slot = this.slots.alloc(name);
    this.declared.set(name, slot);
    this.own(slot);
    return slot;
  }

  fresh(name: string): number {
    const slot = this.slots.alloc(name);
    this.own(slot);
    return slot;
  }

  private own(slot: number): void {
    for (let s: Scope | undefined = this; s; s = s.parent) s.owned.add(slot);
  }

  /** A slot declared explicitly in this or an enclosing scope. */
  findDeclared(name: string): number | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const slot = s.declared.get(name);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  /** The slot of an undeclared var: owned by the outermost scope where the name occurs. */
  implicitSlot(name: string): number {
    let owner: Scope = this;
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.occurs.has(name)) owner = s;
    let slot = owner.implicit.get(name);
    if (slot === undefined) {
      slot = owner.slots.alloc(name);
      owner.implicit.set(name, slot);
      owner.own(slot);
    }
    return slot;
  }
}
