/**
 * `# METADATA` annotations (OPA v1/ast/parser.go parseAnnotations and metadataParser,
 * v1/ast/annotations.go attachAnnotationsNodes / attachRuleAnnotations):
 *
 *   # METADATA
 *   # title: Allow admins
 *   # authors:
 *   # - Jane Doe <jane@example.com>
 *   allow if input.user.admin
 *
 * A block starts at a comment whose text begins with METADATA; the comments on the following lines
 * that start in column 1 hold YAML. The block applies to the next statement after it.
 */
import { parse as parseYAML } from "yaml";
import type { Annotations, Location, Module, Package, Rule, Term } from "./ast.ts";
import { groundPrefix } from "./ground.ts";
import { Tok, type Comment } from "./lexer.ts";
import { Parser } from "./parser.ts";

/** The rule each rule-targeted annotation directly precedes (kept out of the AST to keep it acyclic). */
const annotatedRule = new WeakMap<Annotations, Rule>();

/** A problem with a block, reported as a parse error at `loc`. */
export interface AnnotationProblem {
  msg: string;
  loc: Location;
}

interface Block {
  loc: Location;
  lines: string[];
}

/** Groups comments into METADATA blocks. */
function blocks(comments: Comment[], file: string): Block[] {
  const out: Block[] = [];
  let curr: Block | null = null;
  comments.forEach((c, i) => {
    if (curr !== null) {
      const prev = comments[i - 1]!;
      if (c.row === prev.row + 1 && c.col === 1) {
        curr.lines.push(c.text.startsWith(" ") ? c.text.slice(1) : c.text);
        return;
      }
      curr = null;
    }
    if (c.text.trim().startsWith("METADATA")) {
      curr = { loc: { file, row: c.row, col: c.col }, lines: [] };
      out.push(curr);
    }
  });
  return out;
}

class BadAnnotation extends Error {}

function str(v: unknown, field: string): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") throw new BadAnnotation(`yaml: cannot unmarshal ${field} into string`);
  return String(v);
}

function stringList(v: unknown, field: string): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v)) throw new BadAnnotation(`yaml: cannot unmarshal ${field} into []string`);
  return v.map((x) => str(x, field));
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** "Jane Doe <jane@example.com>" → name and email (OPA parseAuthorString). */
function author(v: unknown): { name?: string; email?: string } {
  if (typeof v === "string") {
    const parts = v.split(/\s+/).filter((p) => p !== "");
    if (parts.length === 0)
      throw new BadAnnotation(`invalid author definition ${v}: author is an empty string`);
    const last = parts[parts.length - 1]!;
    let email = "";
    let n = parts.length;
    if (last.length >= 2 && last.startsWith("<") && last.endsWith(">")) {
      email = last.slice(1, -1);
      n--;
    }
    const name = parts.slice(0, n).join(" ");
    return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
  }
  if (isMap(v)) {
    const name = typeof v.name === "string" ? v.name.trim() : "";
    const email = typeof v.email === "string" ? v.email.trim() : "";
    if (!name && !email) {
      throw new BadAnnotation(
        `invalid author definition ${JSON.stringify(v)}: 'name' and/or 'email' values required in object`,
      );
    }
    return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
  }
  throw new BadAnnotation(
    `invalid author definition ${String(v)}: invalid value type, must be string or map`,
  );
}

function relatedResource(v: unknown): { ref: string; description?: string } {
  if (typeof v === "string") {
    if (v.length === 0)
      throw new BadAnnotation("invalid related-resource definition : ref URL may not be empty string");
    return { ref: v };
  }
  if (isMap(v)) {
    const description = typeof v.description === "string" ? v.description.trim() : "";
    const ref = typeof v.ref === "string" ? v.ref.trim() : "";
    if (!ref) {
      throw new BadAnnotation(
        `invalid related-resource definition ${JSON.stringify(v)}: 'ref' value required in object`,
      );
    }
    return { ref, ...(description ? { description } : {}) };
  }
  throw new BadAnnotation(
    `invalid related-resource definition ${String(v)}: invalid value type, must be string or map`,
  );
}

/** A ref written in an annotation (`data.servers`, `input.x`) as an array of strings. */
function refPath(text: string): string[] | null {
  const p = new Parser(text, "", "v1");
  const t = p.guard(() => p.parseTerm());
  if (t === null || p.errors.length > 0 || p.k() !== Tok.EOF) return null;
  const terms = t.type === "ref" ? t.terms : t.type === "var" ? [t] : null;
  if (terms === null) return null;
  const out: string[] = [];
  for (const x of terms) {
    if (x.type === "var") out.push(x.name);
    else if (x.type === "string") out.push(x.value);
    else return null;
  }
  return out;
}

function schemas(v: unknown): NonNullable<Annotations["schemas"]> | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v)) throw new BadAnnotation("yaml: cannot unmarshal schemas into []map[string]any");
  return v.map((pair: unknown) => {
    if (!isMap(pair)) throw new BadAnnotation("yaml: cannot unmarshal schema into map[string]any");
    const [k, val] = Object.entries(pair)[0] ?? ["", undefined];
    const path = refPath(k);
    if (path === null) throw new BadAnnotation("invalid document reference");
    if (typeof val === "string") {
      const schema = refPath(val);
      if (schema === null || schema[0] !== "schema") throw new BadAnnotation("invalid schema reference");
      return { path, schema };
    }
    if (isMap(val)) return { path, definition: val };
    throw new BadAnnotation(`invalid schema declaration for path ${JSON.stringify(k)}`);
  });
}

/** Parses one block's YAML into annotation fields (scope left empty when not given). */
function parseBlock(b: Block): Omit<Annotations, "target"> {
  const text = b.lines.map((l) => `${l}\n`).join("");
  if (text.trim() === "") throw new BadAnnotation("expected METADATA block, found whitespace");
  let raw: unknown;
  try {
    raw = parseYAML(text);
  } catch (e) {
    throw new BadAnnotation(`yaml: ${(e as Error).message.split("\n")[0]}`);
  }
  if (raw === null || raw === undefined) raw = {};
  if (!isMap(raw)) throw new BadAnnotation("yaml: cannot unmarshal METADATA block into annotations");
  const a: Omit<Annotations, "target"> = { scope: str(raw.scope, "scope"), loc: b.loc };
  const title = str(raw.title, "title");
  if (title) a.title = title;
  if (raw.entrypoint === true) a.entrypoint = true;
  const description = str(raw.description, "description");
  if (description) a.description = description;
  const orgs = stringList(raw.organizations, "organizations");
  if (orgs?.length) a.organizations = orgs;
  if (Array.isArray(raw.related_resources) && raw.related_resources.length) {
    a.related_resources = raw.related_resources.map(relatedResource);
  }
  if (Array.isArray(raw.authors) && raw.authors.length) a.authors = raw.authors.map(author);
  const s = schemas(raw.schemas);
  if (s?.length) a.schemas = s;
  if (isMap(raw.custom) && Object.keys(raw.custom).length) a.custom = raw.custom;
  if (isMap(raw.labels) && Object.keys(raw.labels).length) a.labels = raw.labels;
  return a;
}

/** A statement annotations can attach to, with its row. */
export type Attachable =
  { kind: "package"; pkg: Package } | { kind: "import"; row: number } | { kind: "rule"; rule: Rule };

function rowOf(s: Attachable): number {
  return s.kind === "package" ? s.pkg.loc.row : s.kind === "import" ? s.row : s.rule.loc.row;
}

function sameRef(a: Term[], b: Term[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((t, i) => {
    const u = b[i]!;
    if (t.type === "var" && u.type === "var") return t.name === u.name;
    if (t.type === "string" && u.type === "string") return t.value === u.value;
    if (t.type === "number" && u.type === "number") return t.value === u.value;
    if (t.type === "boolean" && u.type === "boolean") return t.value === u.value;
    return t.type === "null" && u.type === "null";
  });
}

/**
 * Builds the module's annotations from its comments and statements (in source order), attaches
 * rule-level ones to their rules, and returns problems as OPA reports them.
 */
export function buildAnnotations(
  comments: Comment[],
  stmts: Attachable[],
  rules: Rule[],
  file: string,
): { annotations: Annotations[]; problems: AnnotationProblem[] } {
  const annotations: Annotations[] = [];
  const problems: AnnotationProblem[] = [];
  for (const b of blocks(comments, file)) {
    let a: Omit<Annotations, "target">;
    try {
      a = parseBlock(b);
    } catch (e) {
      if (!(e instanceof BadAnnotation)) throw e;
      problems.push({ msg: e.message, loc: b.loc });
      continue;
    }
    const node = stmts.find((s) => rowOf(s) > b.loc.row);
    let scope = a.scope;
    if (scope === "" && node) {
      if (node.kind === "rule") scope = a.entrypoint ? "document" : "rule";
      else if (node.kind === "package") scope = "package";
      else scope = "import";
    }
    const have = node
      ? ` (have ${node.kind === "rule" ? "rule" : node.kind === "package" ? "package" : "import"})`
      : "";
    if (scope === "rule" || scope === "document") {
      if (node?.kind !== "rule")
        problems.push({ msg: `annotation scope '${scope}' must be applied to rule${have}`, loc: b.loc });
    } else if (scope === "package" || scope === "subpackages") {
      if (node?.kind !== "package") {
        problems.push({ msg: `annotation scope '${scope}' must be applied to package${have}`, loc: b.loc });
      }
    } else {
      problems.push({
        msg: `invalid annotation scope '${scope}'. Use one of 'rule', 'document', 'package', or 'subpackages'`,
        loc: b.loc,
      });
    }
    if (a.entrypoint && scope !== "document" && scope !== "package") {
      problems.push({
        msg: `annotation entrypoint applied to non-document or package scope '${scope}'`,
        loc: b.loc,
      });
    }
    if (node?.kind === "rule") {
      const ann: Annotations = {
        ...a,
        scope,
        target: { kind: "rule", ref: groundPrefix(node.rule.head.ref) },
      };
      annotatedRule.set(ann, node.rule);
      annotations.push(ann);
    } else if (node?.kind === "package") {
      annotations.push({ ...a, scope, target: { kind: "package", path: node.pkg.path } });
    }
  }
  // OPA attachRuleAnnotations: document-scoped blocks apply to every rule at their path; a
  // rule-scoped block to the rules at its path below it, and is then used up.
  const pending = [...annotations];
  for (const rule of rules) {
    const ref = groundPrefix(rule.head.ref);
    let used = -1;
    pending.forEach((a, i) => {
      if (a.target.kind !== "rule" || !sameRef(ref, a.target.ref)) return;
      if (a.scope === "document") (rule.annotations ??= []).push(a);
      else if (a.scope === "rule" && rule.loc.row > a.loc.row) {
        used = i;
        (rule.annotations ??= []).push(a);
      }
    });
    if (used >= 0) pending.splice(used, 1);
  }
  return { annotations, problems };
}

// ---------------------------------------------------------------------------------------------- lookups

/** A data path element: the JS value of a ref term (var names and strings as strings). */
export type PathElement = string | number | bigint | boolean | null;

function refValues(ref: readonly Term[]): PathElement[] {
  return ref.map((t) => {
    switch (t.type) {
      case "var":
        return t.name;
      case "string":
      case "number":
      case "boolean":
        return t.value;
      default:
        return null;
    }
  });
}

function samePath(a: readonly PathElement[], b: readonly PathElement[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The rule-scoped annotation written directly above `rule`, if any (what `rego.metadata.rule()`
 * returns; OPA getPrimaryRuleAnnotations picks the one declared closest to the rule).
 */
export function ruleMetadata(module: Module, rule: Rule): Annotations | undefined {
  const own = (module.annotations ?? []).filter((a) => a.scope === "rule" && annotatedRule.get(a) === rule);
  own.sort((x, y) => y.loc.row - x.loc.row || y.loc.col - x.loc.col);
  return own[0];
}

export interface MetadataChainEntry {
  /** The data path (without `data`) the annotations apply to. */
  path: PathElement[];
  annotations?: Annotations;
}

/**
 * What `rego.metadata.chain()` returns for `rule` of `module` (OPA AnnotationSet.Chain): the rule's
 * own entry (with its rule-scoped annotation, if any), the document-scoped annotation at the rule's
 * path, its package's annotation (from any module of that package), then subpackages-scoped
 * annotations of enclosing packages, closest first.
 */
export function metadataChain(modules: readonly Module[], module: Module, rule: Rule): MetadataChainEntry[] {
  const pkg = module.package.path;
  const rulePath: PathElement[] = [...pkg, ...refValues(groundPrefix(rule.head.ref))];
  const chain: MetadataChainEntry[] = [];
  const own = ruleMetadata(module, rule);
  chain.push(own ? { path: rulePath, annotations: own } : { path: rulePath });
  const all = modules.flatMap((m) => (m.annotations ?? []).map((a) => ({ a, pkg: m.package.path })));
  const doc = all.find(
    ({ a, pkg: p }) =>
      a.scope === "document" &&
      a.target.kind === "rule" &&
      samePath([...p, ...refValues(a.target.ref)], rulePath),
  );
  if (doc) chain.push({ path: rulePath, annotations: doc.a });
  const pkgAnn = all.find(
    ({ a }) => a.scope === "package" && a.target.kind === "package" && samePath(a.target.path, pkg),
  );
  if (pkgAnn) chain.push({ path: [...pkg], annotations: pkgAnn.a });
  const subs = all
    .filter(
      ({ a }) =>
        a.scope === "subpackages" &&
        a.target.kind === "package" &&
        a.target.path.length <= rulePath.length &&
        samePath(a.target.path, rulePath.slice(0, a.target.path.length)),
    )
    .sort(
      (x, y) =>
        (y.a.target as { path: string[] }).path.length - (x.a.target as { path: string[] }).path.length,
    );
  for (const { a } of subs) chain.push({ path: [...(a.target as { path: string[] }).path], annotations: a });
  return chain;
}
