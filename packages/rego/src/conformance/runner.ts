/**
 * Runs OPA's conformance suite (v1/test/cases/testdata/{v0,v1}) and judges each case exactly as OPA's
 * runner does (v1/topdown/exported_test.go testRun; research rego.md §1.3): modules named
 * `test-<i>.rego`, result rows compared as a set of JSON binding objects with numeric equality,
 * `sort_bindings`, `want_error` as a substring of the error text, `want_error_code` by equality.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { Engine } from "../engine.ts";
import { RegoError } from "../errors.ts";
import { parseTerm } from "../syntax/index.ts";
import { RObject, compare, keyOf, type Value } from "../value/value.ts";
import { fromJS, toJS } from "../value/json.ts";
import skipList from "./skip.json" with { type: "json" };

export interface TestCase {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: unknown[];
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
  ignore_generated_vars?: boolean;
  experimental_keywords?: boolean;
}

export interface CaseFailure {
  tree: string;
  folder: string;
  file: string;
  note: string;
  reason: string;
}

export interface FolderReport {
  tree: string;
  folder: string;
  passed: number;
  failed: number;
  skipped: number;
}

export interface ConformanceReport {
  folders: FolderReport[];
  failures: CaseFailure[];
  totals: Record<string, { passed: number; failed: number; skipped: number }>;
}

export interface ConformanceOptions {
  /** The suite root holding `v0/` and `v1/`. */
  root: string;
  /** Trees to run (default both). */
  trees?: ("v0" | "v1")[];
  /** Folder names to run (default all). */
  dirs?: string[];
  /** Only cases whose note contains this text (or matches this regex). */
  filter?: string | RegExp;
}

const skips = skipList as { folders: Record<string, string>; notes: Record<string, string> };

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out;
}

/** Converts the `yaml` package's bigint integers into Rego values (safe integers become numbers). */
function yamlValue(v: unknown): Value {
  return fromJS(v);
}

export function loadCases(file: string): TestCase[] {
  const doc = YAML.parse(readFileSync(file, "utf8"), { intAsBigInt: true }) as { cases?: TestCase[] } | null;
  return doc?.cases ?? [];
}

/** Runs one case; returns undefined on pass or the reason it failed. */
export function runCase(tc: TestCase, version: "v0" | "v1"): string | undefined {
  let rows: Value[];
  try {
    const engine = new Engine({ version, strict: tc.strict_error === true });
    (tc.modules ?? []).forEach((m, i) => engine.addPolicy(`test-${i}.rego`, m));
    if (tc.data !== undefined && tc.data !== null) engine.addData(yamlValue(tc.data));
    let input: Value | undefined;
    if (tc.input_term !== undefined) {
      parseTerm(tc.input_term, { version });
      const sols = new Engine({ version }).evalQueryRaw(`__input__ = ${tc.input_term}`);
      input = sols[0]?.bindings.get("__input__");
    } else if (tc.input !== undefined) input = yamlValue(tc.input);
    engine.compile();
    const q = engine.prepareQuery(tc.query);
    rows = engine.evalQueryRaw(q, input).map((s) => {
      const o = new RObject();
      for (const [name, v] of s.bindings) {
        if (tc.ignore_generated_vars && name.startsWith("__localq")) continue;
        let jv = fromJS(toJS(v));
        if (tc.sort_bindings && Array.isArray(jv)) jv = [...(jv as Value[])].sort(compare);
        o.set(name, jv);
      }
      return o;
    });
  } catch (e) {
    if (tc.want_error === undefined && tc.want_error_code === undefined) {
      return `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    }
    const text = e instanceof Error ? e.message : String(e);
    if (tc.want_error !== undefined && !text.includes(tc.want_error)) {
      return `error ${JSON.stringify(text)} does not contain ${JSON.stringify(tc.want_error)}`;
    }
    if (tc.want_error_code !== undefined) {
      const code = e instanceof RegoError ? e.code : undefined;
      if (code !== tc.want_error_code) return `error code ${code} (${text}), want ${tc.want_error_code}`;
    }
    return undefined;
  }
  if (tc.want_error !== undefined || tc.want_error_code !== undefined) {
    return `expected error ${tc.want_error_code ?? ""} ${tc.want_error ?? ""}, got ${rows.length} results`;
  }
  if (tc.want_result === undefined) return "case has no expectation";
  const want = new Set(tc.want_result.map((r) => keyOf(yamlValue(r ?? {}))));
  const got = new Set(rows.map(keyOf));
  const same = want.size === got.size && [...want].every((k) => got.has(k));
  if (!same) {
    const show = (vs: Value[]): string =>
      JSON.stringify(
        vs.map((v) => toJS(v)),
        (_k, x) => (typeof x === "bigint" ? x.toString() : x),
      );
    return `results differ: got ${show(rows)}, want ${show(tc.want_result.map((r) => yamlValue(r ?? {})))}`;
  }
  return undefined;
}

export function runConformance(options: ConformanceOptions): ConformanceReport {
  const report: ConformanceReport = { folders: [], failures: [], totals: {} };
  for (const tree of options.trees ?? ["v0", "v1"]) {
    const treeDir = join(options.root, tree);
    const totals = (report.totals[tree] = { passed: 0, failed: 0, skipped: 0 });
    for (const folder of readdirSync(treeDir).sort()) {
      if (options.dirs && !options.dirs.includes(folder) && !options.dirs.includes(`${tree}/${folder}`))
        continue;
      const fr: FolderReport = { tree, folder, passed: 0, failed: 0, skipped: 0 };
      const folderSkip = skips.folders[folder] ?? skips.folders[`${tree}/${folder}`];
      for (const file of yamlFiles(join(treeDir, folder))) {
        for (const tc of loadCases(file)) {
          if (options.filter !== undefined) {
            const ok =
              typeof options.filter === "string"
                ? tc.note.includes(options.filter)
                : options.filter.test(tc.note);
            if (!ok) continue;
          }
          if (
            folderSkip !== undefined ||
            skips.notes[tc.note] !== undefined ||
            skips.notes[`${tree}/${tc.note}`] !== undefined
          ) {
            fr.skipped++;
            continue;
          }
          let reason: string | undefined;
          try {
            reason = runCase(tc, tree as "v0" | "v1");
          } catch (e) {
            reason = `runner crash: ${e instanceof Error ? e.stack : String(e)}`;
          }
          if (reason === undefined) fr.passed++;
          else {
            fr.failed++;
            report.failures.push({ tree, folder, file, note: tc.note, reason });
          }
        }
      }
      totals.passed += fr.passed;
      totals.failed += fr.failed;
      totals.skipped += fr.skipped;
      report.folders.push(fr);
    }
  }
  return report;
}
