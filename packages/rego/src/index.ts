/** @cocoon/rego: a Rego engine (parser, compiler, evaluator, builtins) with OPA semantics. */
export { Engine } from "./engine.ts";
export type {
  EngineOptions,
  QueryResult,
  ExpressionResult,
  RawSolution,
  HostFunction,
  PreparedQuery,
} from "./engine.ts";
export { RegoError, RegoErrors, BuiltinError } from "./errors.ts";
export type { RegoErrorCode } from "./errors.ts";
export type { HostHooks, BuiltinDef, BuiltinContext } from "./builtins/types.ts";
export { parseModule, parseQuery, parseTerm } from "./syntax/index.ts";
export * from "./value/index.ts";
export { formatValue } from "./value/format.ts";
export { runConformance } from "./conformance/runner.ts";
export type { ConformanceReport, FolderReport, CaseFailure } from "./conformance/runner.ts";
