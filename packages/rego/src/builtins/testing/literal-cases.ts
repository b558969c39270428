/**
 * Test helper: runs the OPA conformance cases of a folder that reduce to ONE builtin call with literal
 * arguments (`p := x if { io.jwt.decode("…", x) }`), directly against a family's BuiltinDefs. It lets a
 * builtin family be checked against OPA's expected results and error texts before (and independently of)
 * the full evaluator. Cases that need real evaluation are counted as skipped, never as passed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { vectorPath } from "@cocoon/core";
import { fromJS, parseJSON, toJSONText } from "../../value/json.ts";
import { RSet, type Value } from "../../value/value.ts";
import { BuiltinError } from "../../errors.ts";
import type { BuiltinContext, BuiltinDef } from "../types.ts";

export interface LiteralCaseReport {
  pass: number;
  skip: number;
  failures: string[];
}

interface Case {
  note: string;
  query?: string;
  modules?: string[];
  want_result?: { x?: unknown }[];
  want_error?: string;
  want_error_code?: string;
  sort_bindings?: boolean;
}

/** Splits "a, [b, c], `d`)" into top-level argument texts, up to the closing parenthesis. */
function splitArgs(s: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== "") {
      cur += c;
      if (c === "\\" && quote === '"') cur += s[++i] ?? "";
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "`") {
      quote = c;
      cur += c;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) {
        out.push(cur.trim());
        return out;
      }
      depth--;
    }
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
      continue;
    }
    cur += c;
  }
  return undefined;
}

/** A Rego literal that is also JSON (or a raw string, or a set of JSON values); else undefined. */
function literal(text: string): Value | undefined {
  if (text.startsWith("`") && text.endsWith("`")) return text.slice(1, -1);
  if (text === "set()") return new RSet();
  try {
    if (text.startsWith("{") && text !== "{}" && !text.includes(":")) {
      return RSet.of(parseJSON(`[${text.slice(1, -1)}]`) as Value[]);
    }
    return parseJSON(text.replace(/,(\s*[}\]])/g, "$1"));
  } catch {
    return undefined;
  }
}

/**
 * The call whose result is the rule's value, in one of three shapes: `p := H if { f(args, H) }`,
 * `p := H if { H := f(args) }` or `p := f(args)`. Anything else needs the evaluator.
 */
function findCall(module: string, builtins: BuiltinDef[]): { def: BuiltinDef; args: Value[] } | undefined {
  const head = /^p := (.+?) if \{$/m.exec(module)?.[1];
  for (const def of builtins) {
    const at = module.indexOf(`${def.name}(`);
    if (at < 0 || /[\w.]/.test(module[at - 1] ?? "")) continue;
    const texts = splitArgs(module.slice(at + def.name.length + 1));
    if (!texts) continue;
    const before = module.slice(module.lastIndexOf("\n", at) + 1, at).trim();
    const shapeOk =
      (head !== undefined && texts.length === def.arity + 1 && texts[def.arity] === head && before === "") ||
      (head !== undefined && texts.length === def.arity && before === `${head} :=`) ||
      (texts.length === def.arity && before === "p :=");
    if (!shapeOk) continue;
    const args = texts.slice(0, def.arity).map(literal);
    if (args.some((a) => a === undefined)) return undefined;
    return { def, args: args as Value[] };
  }
  return undefined;
}

const sortedText = (v: Value): string => (Array.isArray(v) ? toJSONText(RSet.of(v)) : toJSONText(v));

export function runLiteralCases(
  folders: string[],
  builtins: BuiltinDef[],
  makeContext: () => BuiltinContext,
): LiteralCaseReport {
  const report: LiteralCaseReport = { pass: 0, skip: 0, failures: [] };
  for (const folder of folders) {
    const dir = vectorPath("opa-conformance", "v1", folder);
    for (const file of readdirSync(dir).sort()) {
      const doc = parse(readFileSync(`${dir}/${file}`, "utf8"), { intAsBigInt: true }) as { cases: Case[] };
      for (const c of doc.cases) {
        // A query-only case `f(args, x)` is treated like the rule `p := x if { f(args, x) }`.
        const module =
          c.modules?.length === 1
            ? c.modules[0]!
            : c.modules === undefined
              ? `p := x if {\n${c.query ?? ""}\n}`
              : "";
        const call = findCall(module, builtins);
        if (!call) {
          report.skip++;
          continue;
        }
        let got: string;
        try {
          const r = call.def.fn(call.args, makeContext());
          got = r === undefined ? "undefined" : toJSONText(r);
        } catch (e) {
          if (!(e instanceof BuiltinError)) throw e;
          got = `ERROR ${e.message}`;
        }
        let ok: boolean;
        let want: string;
        if (c.want_error !== undefined || c.want_error_code !== undefined) {
          want = `ERROR ${c.want_error_code ?? ""}: …${c.want_error ?? ""}`;
          ok =
            got.startsWith("ERROR") &&
            got.includes(c.want_error ?? "") &&
            got.includes(c.want_error_code ?? "");
        } else {
          const x = c.want_result?.[0]?.x;
          want = x === undefined ? "undefined" : toJSONText(fromJS(x));
          ok = want === got;
          if (!ok && c.sort_bindings && x !== undefined && got !== "undefined" && !got.startsWith("ERROR")) {
            ok = sortedText(fromJS(x)) === sortedText(parseJSON(got));
          }
        }
        if (ok) report.pass++;
        else report.failures.push(`${c.note}: want ${want.slice(0, 200)} got ${got.slice(0, 200)}`);
      }
    }
  }
  return report;
}
