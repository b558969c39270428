/**
 * YAML text as OPA's yaml.marshal produces it: ast.JSON → encoding/json → sigs.k8s.io/yaml JSONToYAML,
 * i.e. go-yaml v2 (sigs.k8s.io/yaml/goyaml.v2 encode.go, resolve.go, sorter.go) driving the libyaml
 * emitter (emitterc.go). Covered: block mappings with keys in go-yaml's natural order, indentless
 * sequences inside mappings, `{}`/`[]` for empty collections, scalar styles chosen as libyaml does
 * (plain, 'single', "double" with escapes, |- literal blocks for multi-line strings), folding of
 * long plain and quoted scalars at column 80, and numbers as go-yaml re-reads them from JSON.
 * Not covered: keys longer than 128 bytes, which libyaml writes as complex `? key` entries.
 */
import { RObject, RSet, type Value } from "../value/value.ts";
import { goJSON } from "./encoding.ts";
import { goFormatFloat } from "./sprintf.ts";

/** libyaml's best_width and best_indent defaults. */
const BEST_WIDTH = 80;
const INDENT = 2;

// ------------------------------------------------------------------------------------------ key order

const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);
const isLetter = (c: string): boolean => /\p{L}/u.test(c);

/** go-yaml v2 sorter.go keyList.Less for string keys: digit runs compare numerically, letters last. */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]!);
      continue;
    }
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

// ------------------------------------------------------------------------------------------ scalars

const BOOL_NULL = new Set(
  "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL".split(
    " ",
  ),
);
const SPECIAL_FLOATS = new Set(
  ".nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF".split(" "),
);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*|0)$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Would go-yaml v2 read this string back as something other than a string (resolve.go)? */
function resolvesToNonString(s: string): boolean {
  if (s === "" || BOOL_NULL.has(s) || SPECIAL_FLOATS.has(s)) return true;
  const c = s[0]!;
  if (c === ".") return !Number.isNaN(Number(s)) && /^\.\d/.test(s);
  if (c === "+" || c === "-" || (c >= "0" && c <= "9")) {
    if (TIMESTAMP.test(s)) return true;
    const plain = s.replaceAll("_", "");
    if (GO_INT.test(plain) || YAML_FLOAT.test(plain) || /^-?0[bB][01]+$/.test(plain)) return true;
    if (BASE60.test(s)) return true;
  }
  return false;
}

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

const isBreak = (c: string): boolean =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
const isSpace = (c: string | undefined): boolean => c === " ";
const isBlankZ = (c: string | undefined): boolean => c === undefined || c === " " || c === "\t" || isBreak(c);

/** libyaml's IS_PRINTABLE (unicode output enabled). */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** libyaml yaml_emitter_analyze_scalar. */
function analyze(s: string): Analysis {
  if (s === "") return { multiline: false, flowPlain: false, blockPlain: true, single: true, block: false };
  const cs = Array.from(s);
  let flowInd = false;
  let blockInd = false;
  if (s.startsWith("---") || s.startsWith("...")) flowInd = blockInd = true;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  let precededByWs = true;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    const followedByWs = isBlankZ(cs[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) flowInd = blockInd = true;
      if (c === "?" || c === ":") {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (c === "-" && followedByWs) flowInd = blockInd = true;
    } else {
      if (",?[]{}".includes(c)) flowInd = true;
      if (c === ":") {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (c === "#" && precededByWs) flowInd = blockInd = true;
    }
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === cs.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === cs.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlankZ(c);
  }
  const a: Analysis = { multiline: lineBreaks, flowPlain: true, blockPlain: true, single: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.flowPlain = a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace) a.flowPlain = a.blockPlain = a.single = false;
  if (spaceBreak || special) a.flowPlain = a.blockPlain = a.single = a.block = false;
  if (lineBreaks) a.flowPlain = a.blockPlain = false;
  if (flowInd) a.flowPlain = false;
  if (blockInd) a.blockPlain = false;
  return a;
}

type Style = "plain" | "single" | "double" | "literal";

/** go-yaml stringv's requested style, then libyaml's yaml_emitter_select_scalar_style (block context). */
function stringStyle(s: string, simpleKey: boolean): Style {
  const a = analyze(s);
  let style: Style = s.includes("\n") ? "literal" : resolvesToNonString(s) ? "double" : "plain";
  if (simpleKey && a.multiline) style = "double";
  if (style === "plain") {
    if (!a.blockPlain) style = "single";
    if (s === "" && simpleKey) style = "single";
  }
  if (style === "single" && !a.single) style = "double";
  if (style === "literal" && (!a.block || simpleKey)) style = "double";
  return style;
}

// ------------------------------------------------------------------------------------------ writer

class Writer {
  out = "";
  column = 0;
  /** libyaml's `whitespace` flag: the last character written was a space or line start. */
  whitespace = true;

  write(s: string): void {
    this.out += s;
    const nl = s.lastIndexOf("\n");
    const tail = nl < 0 ? s : s.slice(nl + 1);
    this.column = (nl < 0 ? this.column : 0) + Array.from(tail).length;
    this.whitespace = s.length > 0 && (s.endsWith(" ") || s.endsWith("\n"));
  }

  indent(n: number): void {
    if (this.out.length > 0 && !this.out.endsWith("\n")) this.out += "\n";
    this.out += " ".repeat(n);
    this.column = n;
    this.whitespace = true;
  }
}

function hex(cp: number, width: number): string {
  return cp.toString(16).toUpperCase().padStart(width, "0");
}

const DOUBLE_ESCAPES: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\b": "b",
  "\t": "t",
  "\n": "n",
  "\v": "v",
  "\f": "f",
  "\r": "r",
  "\x1b": "e",
  '"': '"',
  "\\": "\\",
  "\u0085": "N",
  "\u00a0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

/** Writes a scalar in `style`; `indent` is where folded and block lines continue. */
function writeScalar(w: Writer, s: string, style: Style, indent: number, allowBreaks: boolean): void {
  const cs = Array.from(s);
  switch (style) {
    case "plain": {
      if (!w.whitespace) w.write(" ");
      let spaces = false;
      cs.forEach((c, i) => {
        if (isSpace(c)) {
          if (allowBreaks && !spaces && w.column > BEST_WIDTH && !isSpace(cs[i + 1])) w.indent(indent);
          else w.write(c);
          spaces = true;
        } else {
          w.write(c);
          spaces = false;
        }
      });
      return;
    }
    case "single": {
      if (!w.whitespace) w.write(" ");
      w.write("'");
      let spaces = false;
      cs.forEach((c, i) => {
        if (isSpace(c)) {
          if (
            allowBreaks &&
            !spaces &&
            w.column > BEST_WIDTH &&
            i !== 0 &&
            i !== cs.length - 1 &&
            !isSpace(cs[i + 1])
          )
            w.indent(indent);
          else w.write(c);
          spaces = true;
        } else {
          w.write(c === "'" ? "''" : c);
          spaces = false;
        }
      });
      w.write("'");
      return;
    }
    case "double": {
      if (!w.whitespace) w.write(" ");
      w.write('"');
      let spaces = false;
      cs.forEach((c, i) => {
        const cp = c.codePointAt(0)!;
        if (!isPrintable(c) || cp === 0xfeff || isBreak(c) || c === '"' || c === "\\") {
          const e = DOUBLE_ESCAPES[c];
          if (e !== undefined) w.write("\\" + e);
          else if (cp <= 0xff) w.write("\\x" + hex(cp, 2));
          else if (cp <= 0xffff) w.write("\\u" + hex(cp, 4));
          else w.write("\\U" + hex(cp, 8));
          spaces = false;
        } else if (isSpace(c)) {
          if (allowBreaks && !spaces && w.column > BEST_WIDTH && i !== 0 && i !== cs.length - 1) {
            w.indent(indent);
            if (isSpace(cs[i + 1])) w.write("\\");
          } else w.write(c);
          spaces = true;
        } else {
          w.write(c);
          spaces = false;
        }
      });
      w.write('"');
      return;
    }
    case "literal": {
      if (!w.whitespace) w.write(" ");
      let hints = "";
      if (isSpace(cs[0]) || isBreak(cs[0] ?? "")) hints += String(INDENT);
      const last = cs[cs.length - 1]!;
      if (!isBreak(last)) hints += "-";
      else if (cs.length === 1 || isBreak(cs[cs.length - 2]!)) hints += "+";
      w.write("|" + hints);
      let breaks = true;
      w.out += "\n";
      w.column = 0;
      for (const c of cs) {
        if (isBreak(c)) {
          w.out += "\n";
          w.column = 0;
          breaks = true;
        } else {
          if (breaks) {
            w.out += " ".repeat(indent);
            w.column = indent;
          }
          w.write(c);
          breaks = false;
        }
      }
      // The block ends at a line boundary; the next write starts a new line.
      if (!w.out.endsWith("\n")) {
        w.out += "\n";
        w.column = 0;
      }
      w.whitespace = true;
      return;
    }
  }
}

/** The plain text of a non-string scalar, as go-yaml re-reads it from JSON and prints it. */
function numberText(n: number | bigint): string {
  if (typeof n === "bigint" || Number.isInteger(n)) {
    const b = BigInt(n);
    // int64 and uint64 print exactly; larger JSON integers come back from go-yaml as float64.
    if (b >= -(2n ** 63n) && b <= 2n ** 64n - 1n) return b.toString();
    return goFormatFloat(Number(b));
  }
  return goFormatFloat(n);
}

// ------------------------------------------------------------------------------------------ nodes

type Node = null | boolean | number | bigint | string | Node[] | { map: [string, Node][] };

/** The JSON view OPA marshals (ast.JSON): sets as sorted arrays, non-string keys as JSON text. */
function toNode(v: Value): Node {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return (v as readonly Value[]).map(toNode);
  if (v instanceof RSet) return v.sorted().map(toNode);
  const entries = [...(v as RObject).entries()].map(
    ([k, x]) => [typeof k === "string" ? k : goJSON(k), toNode(x)] as [string, Node],
  );
  entries.sort((a, b) => (goYamlKeyLess(a[0], b[0]) ? -1 : goYamlKeyLess(b[0], a[0]) ? 1 : 0));
  return { map: entries };
}

function isMap(n: Node): n is { map: [string, Node][] } {
  return n !== null && typeof n === "object" && !Array.isArray(n);
}

function writeValueScalar(w: Writer, n: Node, indent: number): void {
  if (n === null) w.write(w.whitespace ? "null" : " null");
  else if (typeof n === "boolean") w.write((w.whitespace ? "" : " ") + String(n));
  else if (typeof n === "number" || typeof n === "bigint") w.write((w.whitespace ? "" : " ") + numberText(n));
  else if (typeof n === "string") writeScalar(w, n, stringStyle(n, false), indent, true);
}

function emitMapping(w: Writer, entries: [string, Node][], indent: number, inline: boolean): void {
  entries.forEach(([k, v], i) => {
    if (!(inline && i === 0)) w.indent(indent);
    writeScalar(w, k, stringStyle(k, true), indent + INDENT, false);
    w.write(":");
    emitValue(w, v, indent, "mapping");
  });
}

function emitSequence(w: Writer, items: Node[], indent: number, inline: boolean): void {
  items.forEach((v, i) => {
    if (!(inline && i === 0)) w.indent(indent);
    w.write("-");
    emitValue(w, v, indent, "sequence");
  });
}

/** A value after "key:" or "-" at the parent's indent. */
function emitValue(w: Writer, v: Node, indent: number, parent: "mapping" | "sequence"): void {
  if (isMap(v)) {
    if (v.map.length === 0) return w.write(" {}");
    if (parent === "mapping") return emitMapping(w, v.map, indent + INDENT, false);
    w.write(" ");
    return emitMapping(w, v.map, indent + INDENT, true);
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return w.write(" []");
    // Sequences inside mappings are indentless (libyaml: mapping_context && !indention).
    if (parent === "mapping") return emitSequence(w, v as Node[], indent, false);
    w.write(" ");
    return emitSequence(w, v as Node[], indent + INDENT, true);
  }
  writeValueScalar(w, v, indent + INDENT);
}

/** go-yaml v2 Marshal of the JSON form of `v` (OPA's yaml.marshal output). */
export function goYamlMarshal(v: Value): string {
  const w = new Writer();
  const n = toNode(v);
  if (isMap(n)) {
    if (n.map.length === 0) w.write("{}");
    else emitMapping(w, n.map, 0, true);
  } else if (Array.isArray(n)) {
    if (n.length === 0) w.write("[]");
    else emitSequence(w, n as Node[], 0, true);
  } else {
    writeValueScalar(w, n, INDENT);
  }
  return w.out.endsWith("\n") ? w.out : w.out + "\n";
}
