/**
 * The Rego engine API, in the spirit of regorus's `Engine` (src/engine.rs): add policies and data,
 * set input, evaluate a rule path or a query, register host builtins, gather print output, clone.
 */
import { parseModule, parseQuery } from "./syntax/index.ts";
import type { Module, RegoVersion } from "./syntax/ast.ts";
import { RegoError } from "./errors.ts";
import { builtinTable } from "./builtins/registry.ts";
import type { BuiltinDef, HostHooks } from "./builtins/types.ts";
import { Compiler, type CompiledPolicy, type CompiledQuery } from "./compile/compiler.ts";
import type { CTerm } from "./compile/ir.ts";
import { DEFAULT_LIMITS, Evaluation, type EvalLimits } from "./eval/evaluator.ts";
import { RObject, type Value } from "./value/value.ts";
import { fromJS, parseJSON, toJS } from "./value/json.ts";

export interface EngineOptions {
  version?: RegoVersion;
  /** Strict builtin errors (OPA WithStrictBuiltinErrors): the first builtin error fails the query. */
  strict?: boolean;
  hooks?: Partial<HostHooks>;
  limits?: Partial<EvalLimits>;
}

export interface ExpressionResult {
  value: unknown;
  text: string;
  location: { row: number; col: number };
}

export interface QueryResult {
  /** `bindings` is omitted when the query binds no vars, as OPA's rego.Result (json omitempty). */
  result: { expressions: ExpressionResult[]; bindings?: Record<string, unknown> }[];
}

/** Raw per-solution values (Rego values, not JSON), for callers that need sets and exact numbers. */
export interface RawSolution {
  bindings: Map<string, Value>;
  expressions: (Value | undefined)[];
}

export type HostFunction = (...args: Value[]) => Value | undefined;

const DEFAULT_HOOKS: HostHooks = {
  nowNs: () => BigInt(Date.now()) * 1_000_000n,
  random: () => Math.random(),
};

export class Engine {
  #version: RegoVersion;
  #strict: boolean;
  #hooks: HostHooks;
  #limits: EvalLimits;
  #modules = new Map<string, Module>();
  #data: Value = new RObject();
  #input: Value | undefined;
  #extensions = new Map<string, BuiltinDef>();
  #compiled: { policy: CompiledPolicy; compiler: Compiler } | undefined;
  #printEnabled = false;
  #prints: string[] = [];

  constructor(options: EngineOptions = {}) {
    this.#version = options.version ?? "v1";
    this.#strict = options.strict ?? false;
    this.#hooks = { ...DEFAULT_HOOKS, ...options.hooks };
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** Parses and adds a module; returns its package path (e.g. "data.agent_policy"). */
  addPolicy(name: string, text: string, options: { version?: RegoVersion } = {}): string {
    const m = parseModule(text, { file: name, version: options.version ?? this.#version });
    this.#modules.set(name, m);
    this.#compiled = undefined;
    return ["data", ...m.package.path].join(".");
  }

  /** Merges a JSON-like value (or Rego value) into `data`; objects merge deeply. */
  addData(value: unknown): void {
    const v = convert(value, "data");
    if (!(v instanceof RObject)) throw new RegoError("rego_compile_error", "data must be an object");
    this.#data = mergeObjects(this.#data as RObject, v);
  }

  clearData(): void {
    this.#data = new RObject();
  }

  setInput(value: unknown): void {
    this.#input = value === undefined ? undefined : convert(value, "input");
  }

  /**
   * Parses JSON input text, refusing text above `limits.maxInputBytes` and nesting too deep to
   * process, with `eval_limit_error` (never a crash).
   */
  setInputJSON(text: string): void {
    this.#input = parseJSONLimited(text, this.#limits.maxInputBytes, "input");
  }

  /** Parses JSON data text (same limits as input) and merges it into `data`. */
  addDataJSON(text: string): void {
    this.addData(parseJSONLimited(text, this.#limits.maxInputBytes, "data"));
  }

  setStrict(strict: boolean): void {
    this.#strict = strict;
  }

  /** Registers a host function (regorus `add_extension`), e.g. Trustee's `query_reference_value`. */
  addBuiltin(name: string, fn: HostFunction, arity: number = fn.length): void {
    this.#extensions.set(name, { name, arity, fn: (args) => fn(...args) });
    this.#compiled = undefined;
  }

  enablePrint(enabled: boolean): void {
    this.#printEnabled = enabled;
  }

  takePrints(): string[] {
    const p = this.#prints;
    this.#prints = [];
    return p;
  }

  /** Compiles the added policies now (otherwise done by the first evaluation); throws compile errors. */
  compile(): CompiledPolicy {
    if (!this.#compiled) {
      const table = new Map(builtinTable());
      for (const [n, d] of this.#extensions) table.set(n, d);
      const compiler = new Compiler(table);
      let policy: CompiledPolicy;
      try {
        policy = compiler.compile([...this.#modules.values()]);
      } catch (e) {
        if (e instanceof RegoError) throw e;
        if (e instanceof RangeError)
          throw new RegoError("rego_compile_error", "policy is nested too deeply to compile");
        throw new RegoError(
          "rego_compile_error",
          `internal compiler error: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      this.#compiled = { policy, compiler };
    }
    return this.#compiled.policy;
  }

  private evaluation(input: Value | undefined): Evaluation {
    const policy = this.compile();
    const hooks: HostHooks = { ...this.#hooks };
    const print = this.#printEnabled
      ? (line: string): void => {
          this.#prints.push(line);
          this.#hooks.print?.(line);
        }
      : undefined;
    return new Evaluation({
      root: policy.root,
      data: this.#data,
      input,
      strict: this.#strict,
      hooks,
      print,
      limits: this.#limits,
    });
  }

  /** The value of a rule or document, e.g. "data.agent_policy.CreateContainerRequest"; undefined if undefined. */
  evalRule(path: string, input?: unknown): Value | undefined {
    const segs = path.split(".");
    if (segs[0] !== "data")
      throw new RegoError("rego_parse_error", `rule path must start with data: ${path}`);
    const ref: CTerm = {
      k: "ref",
      head: { k: "data" },
      path: segs.slice(1).map((s) => ({ k: "const", v: s }) as CTerm),
    };
    const ev = this.evaluation(input === undefined ? this.#input : convert(input, "input"));
    let result: Value | undefined;
    const out: CTerm = { k: "var", slot: 0, name: "x" };
    const lit = {
      expr: { k: "unify" as const, a: out, b: ref },
      negated: false,
      with: [],
      loc: { file: "", row: 1, col: 1 },
    };
    ev.run({ lits: [lit], owned: new Set() }, 1, (f) => {
      result = f[0];
      return true;
    });
    return result;
  }

  /** Compiles a query against the current policies. */
  prepareQuery(query: string): PreparedQuery {
    this.compile();
    const body = parseQuery(query, { version: this.#version });
    const q = this.#compiled!.compiler.compileQuery(body, undefined);
    return { query, compiled: q };
  }

  /** Raw solutions of a query (Rego values). */
  evalQueryRaw(query: string | PreparedQuery, input?: unknown): RawSolution[] {
    const pq = typeof query === "string" ? this.prepareQuery(query) : query;
    const ev = this.evaluation(input === undefined ? this.#input : convert(input, "input"));
    const out: RawSolution[] = [];
    const q = pq.compiled;
    ev.run(q.body, q.nslots, (f) => {
      const bindings = new Map<string, Value>();
      for (const [name, slot] of q.vars) {
        const v = f[slot];
        if (v !== undefined) bindings.set(name, v);
      }
      const expressions = q.source.map((lit) => {
        if (lit.expr.k !== "term" || lit.negated) return true;
        let v: Value | undefined;
        ev.evalTerm(lit.expr.t, f, (x) => {
          v = x;
          return true;
        });
        return v;
      });
      out.push({ bindings, expressions });
      return false;
    });
    return out;
  }

  /** OPA-shaped results: `{result: [{expressions: [{value, text, location}], bindings}]}`. */
  evalQuery(query: string, input?: unknown): QueryResult {
    const pq = this.prepareQuery(query);
    const sols = this.evalQueryRaw(pq, input);
    const texts = expressionTexts(query, pq.compiled);
    return {
      result: sols.map((s) => ({
        expressions: s.expressions.map((v, i) => ({
          value: v === undefined ? null : toJS(v),
          text: texts[i]!.text,
          location: texts[i]!.location,
        })),
        ...(s.bindings.size > 0
          ? { bindings: Object.fromEntries([...s.bindings].map(([k, v]) => [k, toJS(v)])) }
          : {}),
      })),
    };
  }

  /** A cheap copy sharing compiled policies; data, input, extensions and prints are copied. */
  clone(): Engine {
    const e = new Engine({
      version: this.#version,
      strict: this.#strict,
      hooks: this.#hooks,
      limits: this.#limits,
    });
    e.#modules = new Map(this.#modules);
    e.#data = this.#data;
    e.#input = this.#input;
    e.#extensions = new Map(this.#extensions);
    e.#compiled = this.#compiled;
    e.#printEnabled = this.#printEnabled;
    return e;
  }
}

export interface PreparedQuery {
  query: string;
  compiled: CompiledQuery;
}

/** JS → Rego conversion; structures nested beyond the stack become a typed limit error. */
function convert(value: unknown, what: string): Value {
  try {
    return fromJS(value);
  } catch (e) {
    if (e instanceof RangeError) throw new RegoError("eval_limit_error", `${what} is nested too deeply`);
    throw e;
  }
}

function parseJSONLimited(text: string, maxBytes: number, what: string): Value {
  if (text.length > maxBytes) {
    throw new RegoError(
      "eval_limit_error",
      `${what} of ${text.length} bytes exceeds the limit of ${maxBytes} bytes`,
    );
  }
  try {
    return parseJSON(text);
  } catch (e) {
    if (e instanceof RangeError) throw new RegoError("eval_limit_error", `${what} is nested too deeply`);
    if (e instanceof SyntaxError)
      throw new RegoError("rego_parse_error", `${what} is not valid JSON: ${e.message}`);
    throw e;
  }
}

function mergeObjects(a: RObject, b: RObject): RObject {
  const out = RObject.fromEntries(a.entries());
  for (const [k, v] of b.entries()) {
    const cur = out.get(k);
    if (cur instanceof RObject && v instanceof RObject) out.set(k, mergeObjects(cur, v));
    else out.set(k, v);
  }
  return out;
}

/** Source text and location of each query expression, as `opa eval` reports them. */
function expressionTexts(
  query: string,
  q: CompiledQuery,
): { text: string; location: { row: number; col: number } }[] {
  const lineStarts = [0];
  for (let i = 0; i < query.length; i++) if (query[i] === "\n") lineStarts.push(i + 1);
  const offsets = q.source.map((l) => (lineStarts[l.loc.row - 1] ?? 0) + l.loc.col - 1);
  return q.source.map((l, i) => {
    const end = i + 1 < offsets.length ? offsets[i + 1]! : query.length;
    const text = query.slice(offsets[i], end).trim().replace(/;$/, "").trim();
    return { text, location: { row: l.loc.row, col: l.loc.col } };
  });
}
