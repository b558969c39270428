/**
 * Parse errors. They are `RegoError`s with code `rego_parse_error` (so callers handle one error type),
 * but their text also names the column and shows the offending line with a caret, as `opa check`
 * does (v1/ast/errors.go, ParserErrorDetail):
 *
 *   policy.rego:3:5: rego_parse_error: unexpected } token: expected rule body
 *   	p if }
 *   	     ^
 */
import { RegoError, RegoErrors } from "../errors.ts";
import type { Location } from "./ast.ts";

export class RegoParseError extends RegoError {
  /** The source line the error points into, and the 0-based index of the offending character in it. */
  readonly line: string | undefined;

  constructor(detail: string, location: Location, source?: string, offset?: number) {
    super("rego_parse_error", detail, location);
    this.name = "RegoParseError";
    const where = location.file
      ? `${location.file}:${location.row}:${location.col}`
      : `${location.row}:${location.col}`;
    let text = `${where}: rego_parse_error: ${detail}`;
    if (source !== undefined && offset !== undefined) {
      const { line, index } = lineAt(source, offset);
      this.line = line;
      const trimmed = line.replace(/^\t+/, "");
      const indent = Math.max(0, index - (line.length - trimmed.length));
      text += `\n\t${trimmed}\n\t${" ".repeat(indent)}^`;
    } else {
      this.line = undefined;
    }
    this.message = text;
  }
}

/** The line holding `offset` (the last non-space character at or before it, as OPA picks). */
function lineAt(src: string, offset: number): { line: string; index: number } {
  if (src.length === 0) return { line: "", index: 0 };
  let o = Math.min(Math.max(offset, 0), src.length - 1);
  while (o > 0 && /\s/.test(src[o]!)) o--;
  let begin = o;
  while (begin > 0 && src[begin] !== "\n" && src[begin] !== "\r") begin--;
  if (src[begin] === "\n" || src[begin] === "\r") begin++;
  let end = o;
  while (end < src.length && src[end] !== "\n" && src[end] !== "\r") end++;
  if (begin > end) begin = end;
  return { line: src.slice(begin, end), index: o - begin };
}

/** One error as itself; several as `RegoErrors` ("N errors occurred: …"). */
export function parseFailure(errors: RegoParseError[], file = ""): RegoError {
  if (errors.length === 0) return new RegoParseError("parse failed", { file, row: 1, col: 1 });
  return errors.length === 1 ? errors[0]! : new RegoErrors(errors);
}
