/**
 * Rego equality for the evaluator's hot paths (`==`, unification, argument patterns).
 *
 * `equals` in value/value.ts compares composite values by their canonical key strings, which for arrays
 * are rebuilt (JSON.stringify of every element's key) on each comparison. Kata policies compare arrays
 * and objects thousands of times per request (`p_storage.options == i_storage.options`,
 * `p_mount == i_mount`), so arrays are compared element by element, stopping at the first difference.
 * The result is exactly `equals`: two values are equal iff their canonical keys are equal.
 */
import { equals, type Value } from "../value/value.ts";

export function fastEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return equals(a, b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return false;
    const x = a as readonly Value[];
    const y = b as readonly Value[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!fastEquals(x[i]!, y[i]!)) return false;
    return true;
  }
  // Objects and sets cache their canonical key on first use and Kata policies compare the same input
  // objects against many policy objects, so comparing the cached keys is cheapest for them.
  return equals(a, b);
}
