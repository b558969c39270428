/**
 * A Go text/template interpreter (pkg.go.dev/text/template) for strings.render_template: actions with
 * pipelines, fields, variables, if/else if/range/with/break/continue, comments, trim markers, and the
 * predefined functions. Data is plain JSON-like JS (what OPA's ast.As hands to Go: maps, slices,
 * float64 numbers, strings, bools, nil). Printing follows fmt's %v for those types.
 */
export class TemplateError extends Error {}

/** Output marker for a missing map key: OPA renders it instead of failing. */
export const MISSING = Symbol("missing");

type Data = unknown;

// ---------------------------------------------------------------- lexing & parsing

type Node =
  | { kind: "text"; text: string }
  | { kind: "action"; pipe: Pipe }
  | { kind: "if" | "with"; pipe: Pipe; then: Node[]; else: Node[] }
  | { kind: "range"; pipe: Pipe; then: Node[]; else: Node[] }
  | { kind: "break" | "continue" };

interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Arg[][];
}

type Arg =
  | { kind: "field"; base: Arg | undefined; names: string[] }
  | { kind: "var"; name: string; names: string[] }
  | { kind: "ident"; name: string }
  | { kind: "lit"; value: Data }
  | { kind: "pipe"; pipe: Pipe; names: string[] };

interface Action {
  text: string;
}

/** Splits a template into text and action chunks, honouring "{{- " and " -}}" trimming and comments. */
function chunks(src: string): (string | Action)[] {
  const out: (string | Action)[] = [];
  let i = 0;
  let text = "";
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) {
      text += src.slice(i);
      break;
    }
    text += src.slice(i, open);
    let start = open + 2;
    if (
      src.startsWith("- ", start) ||
      src.startsWith("-\t", start) ||
      src.startsWith("-\n", start) ||
      src.startsWith("-\r", start)
    ) {
      text = text.replace(/[ \t\r\n]+$/, "");
      start += 1;
    }
    // Find the closing delimiter outside quoted strings.
    let j = start;
    let quote = "";
    for (; j < src.length; j++) {
      const c = src[j]!;
      if (quote !== "") {
        if (c === "\\" && quote !== "`") j++;
        else if (c === quote) quote = "";
        continue;
      }
      if (c === '"' || c === "`" || c === "'") quote = c;
      else if (src.startsWith("}}", j)) break;
      else if (src.startsWith("/*", j)) {
        const endComment = src.indexOf("*/", j + 2);
        if (endComment < 0) throw new TemplateError("template: template:1: unclosed comment");
        j = endComment + 1;
      }
    }
    if (j >= src.length) throw new TemplateError("template: template:1: unclosed action");
    let body = src.slice(start, j);
    let next = j + 2;
    if (/[ \t\r\n]-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^[ \t\r\n]*/.exec(src.slice(next))!;
      next += m[0].length;
    }
    if (text !== "") out.push(text);
    text = "";
    if (!/^\s*\/\*[\s\S]*\*\/\s*$/.test(body)) out.push({ text: body.trim() });
    i = next;
  }
  if (text !== "") out.push(text);
  return out;
}

type Token = { t: "str" | "num" | "ident" | "var" | "field" | "punct" | "bool" | "nil"; v: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = s.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^"(?:[^"\\]|\\.)*"/.exec(rest))) {
      out.push({ t: "str", v: JSON.parse(m[0]) as string });
    } else if ((m = /^`[^`]*`/.exec(rest))) {
      out.push({ t: "str", v: m[0].slice(1, -1) });
    } else if ((m = /^'(?:[^'\\]|\\.)'/.exec(rest))) {
      out.push({ t: "num", v: String(m[0].slice(1, -1).codePointAt(0)) });
    } else if (
      (m = /^[+-]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(rest)) &&
      !/^\.[A-Za-z_]/.test(rest)
    ) {
      out.push({ t: "num", v: m[0] });
    } else if ((m = /^\$[A-Za-z0-9_]*/.exec(rest))) {
      out.push({ t: "var", v: m[0] });
    } else if ((m = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(rest))) {
      out.push({ t: "field", v: m[0] });
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      const w = m[0];
      out.push(
        w === "true" || w === "false"
          ? { t: "bool", v: w }
          : w === "nil"
            ? { t: "nil", v: w }
            : { t: "ident", v: w },
      );
    } else if ((m = /^(?::=|=|\||\(|\)|,|\.)/.exec(rest))) {
      out.push({ t: "punct", v: m[0] });
    } else {
      throw new TemplateError(`template: template:1: unexpected "${c}" in command`);
    }
    i += m[0].length;
  }
  return out;
}

class PipeParser {
  pos = 0;
  readonly toks: Token[];
  constructor(toks: Token[]) {
    this.toks = toks;
  }

  peek(): Token | undefined {
    return this.toks[this.pos];
  }

  pipe(allowDecl: boolean): Pipe {
    const p: Pipe = { decl: [], assign: false, cmds: [] };
    if (allowDecl) {
      // $x := …, $i, $e := …, or $x = …
      const save = this.pos;
      const vars: string[] = [];
      while (this.peek()?.t === "var") {
        vars.push(this.toks[this.pos++]!.v);
        if (this.peek()?.v === ",") this.pos++;
        else break;
      }
      const op = this.peek();
      if (vars.length && op?.t === "punct" && (op.v === ":=" || op.v === "=")) {
        this.pos++;
        p.decl = vars;
        p.assign = op.v === "=";
      } else {
        this.pos = save;
      }
    }
    for (;;) {
      const cmd: Arg[] = [];
      while (this.peek() && this.peek()!.v !== "|" && this.peek()!.v !== ")") cmd.push(this.operand());
      if (cmd.length === 0) throw new TemplateError("template: template:1: missing value for command");
      p.cmds.push(cmd);
      if (this.peek()?.v === "|") {
        this.pos++;
        continue;
      }
      return p;
    }
  }

  operand(): Arg {
    const tok = this.toks[this.pos++]!;
    let arg: Arg;
    switch (tok.t) {
      case "str":
        arg = { kind: "lit", value: tok.v };
        break;
      case "num":
        arg = { kind: "lit", value: Number(tok.v) };
        break;
      case "bool":
        arg = { kind: "lit", value: tok.v === "true" };
        break;
      case "nil":
        arg = { kind: "lit", value: null };
        break;
      case "field":
        return { kind: "field", base: undefined, names: tok.v.slice(1).split(".") };
      case "var":
        arg = { kind: "var", name: tok.v, names: [] };
        break;
      case "ident":
        arg = { kind: "ident", name: tok.v };
        break;
      default:
        if (tok.v === ".") return { kind: "field", base: undefined, names: [] };
        if (tok.v === "(") {
          const inner = this.pipe(false);
          if (this.toks[this.pos++]?.v !== ")")
            throw new TemplateError("template: template:1: unclosed left paren");
          arg = { kind: "pipe", pipe: inner, names: [] };
          break;
        }
        throw new TemplateError(`template: template:1: unexpected ${JSON.stringify(tok.v)} in operand`);
    }
    // Field chains on variables and parenthesised pipelines: $x.a.b, (pipe).a
    const next = this.peek();
    if (next?.t === "field" && (arg.kind === "var" || arg.kind === "pipe")) {
      this.pos++;
      arg.names = next.v.slice(1).split(".");
    }
    return arg;
  }
}

function parsePipe(text: string, allowDecl = true): Pipe {
  const p = new PipeParser(tokenize(text));
  const pipe = p.pipe(allowDecl);
  if (p.pos !== p.toks.length)
    throw new TemplateError(
      `template: template:1: unexpected ${JSON.stringify(p.toks[p.pos]!.v)} in operand`,
    );
  return pipe;
}

/** Parses the chunk list into a tree; returns the nodes and the terminating keyword. */
/** Bounds {{if}}/{{range}}/{{with}} nesting so a hostile template cannot exhaust the stack. */
const MAX_NESTING = 200;

function parseList(
  items: (string | Action)[],
  at: { i: number },
  stops: string[],
  depth = 0,
): [Node[], string] {
  if (depth > MAX_NESTING) throw new TemplateError("template: template:1: actions nested too deeply");
  const nodes: Node[] = [];
  while (at.i < items.length) {
    const item = items[at.i++]!;
    if (typeof item === "string") {
      nodes.push({ kind: "text", text: item });
      continue;
    }
    const word = /^[a-z]+/.exec(item.text)?.[0] ?? "";
    const rest = item.text.slice(word.length).trim();
    if (stops.includes(word)) {
      at.i--;
      return [nodes, word];
    }
    switch (word) {
      case "if":
      case "with":
      case "range": {
        nodes.push(parseControl(word, rest, items, at, depth + 1));
        break;
      }
      case "break":
      case "continue":
        nodes.push({ kind: word });
        break;
      case "end":
      case "else":
        throw new TemplateError(`template: template:1: unexpected {{${word}}}`);
      case "define":
      case "template":
      case "block":
        throw new TemplateError(
          `template: template:1: {{${word}}} is not supported by strings.render_template`,
        );
      default:
        nodes.push({ kind: "action", pipe: parsePipe(item.text) });
    }
  }
  if (stops.length) throw new TemplateError("template: template:1: unexpected EOF");
  return [nodes, ""];
}

function parseControl(
  word: "if" | "with" | "range",
  pipeText: string,
  items: (string | Action)[],
  at: { i: number },
  depth: number,
): Node {
  const pipe = parsePipe(pipeText);
  const [then, stop] = parseList(items, at, ["else", "end"], depth);
  const stopItem = items[at.i++] as Action;
  let elseNodes: Node[] = [];
  if (stop === "else") {
    const after = stopItem.text.slice(4).trim();
    if (after.startsWith("if ") && word === "if") {
      // {{else if x}} … is sugar for {{else}}{{if x}} … {{end}}{{end}}, sharing the final {{end}}.
      elseNodes = [parseControl("if", after.slice(3), items, at, depth + 1)];
      return { kind: word, pipe, then, else: elseNodes };
    }
    if (after.startsWith("with ") && word === "with") {
      elseNodes = [parseControl("with", after.slice(5), items, at, depth + 1)];
      return { kind: word, pipe, then, else: elseNodes };
    }
    const [e] = parseList(items, at, ["end"], depth);
    at.i++;
    elseNodes = e;
  }
  return { kind: word, pipe, then, else: elseNodes };
}

// ---------------------------------------------------------------- execution

/** fmt's %v for the Go values a template sees. */
export function goPrint(v: Data): string {
  if (v === MISSING) return "<undefined>";
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
    // %v of float64 is %g: shortest repr, exponent for large/small magnitudes.
    const s = String(v);
    return s.replace(/e([+-])(\d)$/, "e$10$2");
  }
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goPrint).join(" ")}]`;
  const o = v as Record<string, Data>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${goPrint(o[k])}`)
    .join(" ")}]`;
}

function truth(v: Data): boolean {
  if (v === null || v === undefined || v === MISSING) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return v !== "";
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v as object).length > 0;
}

const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

interface State {
  vars: [string, Data][];
  out: string[];
  steps: number;
}

/** Bounds template work so a hostile template cannot hang evaluation. */
const MAX_STEPS = 1_000_000;

function lookupVar(s: State, name: string): Data {
  for (let i = s.vars.length - 1; i >= 0; i--) if (s.vars[i]![0] === name) return s.vars[i]![1];
  throw new TemplateError(`template: template:1: undefined variable: ${name}`);
}

function field(v: Data, name: string): Data {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, Data>;
    return Object.prototype.hasOwnProperty.call(o, name) ? o[name] : MISSING;
  }
  if (v === MISSING) return MISSING;
  throw new TemplateError(`template: template:1: can't evaluate field ${name} in type ${goType(v)}`);
}

function goType(v: Data): string {
  if (v === null || v === undefined) return "interface {}";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "float64";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

function compareValues(a: Data, b: Data): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError("template: template:1: error calling lt: incompatible types for comparison");
}

type Fn = (args: Data[]) => Data;

function makeFunctions(sprintf: (format: string, args: Data[]) => string): Record<string, Fn> {
  return {
    and: (a) => a.find((x) => !truth(x)) ?? a[a.length - 1],
    or: (a) => a.find((x) => truth(x)) ?? a[a.length - 1],
    not: (a) => !truth(a[0]),
    len: (a) => {
      const v = a[0];
      if (typeof v === "string") return Buffer.byteLength(v);
      if (Array.isArray(v)) return v.length;
      if (v !== null && typeof v === "object") return Object.keys(v).length;
      throw new TemplateError(`template: template:1: error calling len: len of type ${goType(v)}`);
    },
    index: (a) => {
      let v = a[0];
      for (const k of a.slice(1)) {
        if (Array.isArray(v) && typeof k === "number") {
          if (k < 0 || k >= v.length)
            throw new TemplateError(`template: template:1: error calling index: index out of range: ${k}`);
          v = v[k];
        } else if (v !== null && typeof v === "object" && typeof k === "string")
          v = field(v, k) === MISSING ? null : field(v, k);
        else throw new TemplateError(`template: template:1: error calling index: cannot index ${goType(v)}`);
      }
      return v;
    },
    print: (a) =>
      a
        .map(
          (x, i) => (i > 0 && typeof x !== "string" && typeof a[i - 1] !== "string" ? " " : "") + goPrint(x),
        )
        .join(""),
    println: (a) => a.map(goPrint).join(" ") + "\n",
    printf: (a) => sprintf(String(a[0]), a.slice(1)),
    eq: (a) => a.slice(1).some((x) => x === a[0]),
    ne: (a) => a[0] !== a[1],
    lt: (a) => compareValues(a[0], a[1]) < 0,
    le: (a) => compareValues(a[0], a[1]) <= 0,
    gt: (a) => compareValues(a[0], a[1]) > 0,
    ge: (a) => compareValues(a[0], a[1]) >= 0,
    html: (a) =>
      a
        .map(goPrint)
        .join("")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&#34;")
        .replace(/'/g, "&#39;"),
    js: (a) =>
      JSON.stringify(a.map(goPrint).join(""))
        .slice(1, -1)
        .replace(/'/g, "\\'")
        .replace(/</g, "\\u003C")
        .replace(/>/g, "\\u003E"),
    urlquery: (a) => encodeURIComponent(a.map(goPrint).join("")).replace(/%20/g, "+"),
    slice: (a) => {
      const [v, i = 0, j] = a as [Data, number | undefined, number | undefined];
      if (typeof v === "string") return v.slice(i, j);
      if (Array.isArray(v)) return v.slice(i, j);
      throw new TemplateError(
        `template: template:1: error calling slice: can't slice item of type ${goType(v)}`,
      );
    },
  };
}

export function renderTemplate(
  src: string,
  data: Data,
  sprintf: (format: string, args: Data[]) => string,
): string {
  const [tree] = parseList(chunks(src), { i: 0 }, []);
  const fns = makeFunctions(sprintf);
  const state: State = { vars: [["$", data]], out: [], steps: 0 };

  const evalArg = (a: Arg, dot: Data, final: Data[] | undefined): Data => {
    switch (a.kind) {
      case "lit":
        return a.value;
      case "field": {
        let v = dot;
        for (const n of a.names) v = field(v, n);
        return v;
      }
      case "var": {
        let v = lookupVar(state, a.name);
        for (const n of a.names) v = field(v, n);
        return v;
      }
      case "pipe": {
        let v = evalPipe(a.pipe, dot);
        for (const n of a.names) v = field(v, n);
        return v;
      }
      case "ident": {
        const fn = fns[a.name];
        if (!fn) throw new TemplateError(`template: template:1: function "${a.name}" not defined`);
        return fn(final ?? []);
      }
    }
  };

  const evalPipe = (p: Pipe, dot: Data): Data => {
    let prev: Data[] | undefined;
    let value: Data = undefined;
    for (const cmd of p.cmds) {
      const [head, ...rest] = cmd;
      if (head!.kind === "ident") {
        const args = rest.map((r) => evalArg(r, dot, undefined));
        if (prev) args.push(prev[0]);
        value = evalArg(head!, dot, args);
      } else {
        if (rest.length) throw new TemplateError("template: template:1: can't give argument to non-function");
        value = evalArg(head!, dot, undefined);
      }
      prev = [value];
    }
    if (p.decl.length === 1) {
      if (p.assign) {
        for (let i = state.vars.length - 1; i >= 0; i--) {
          if (state.vars[i]![0] === p.decl[0]) {
            state.vars[i]![1] = value;
            return value;
          }
        }
        throw new TemplateError(`template: template:1: undefined variable: ${p.decl[0]}`);
      }
      state.vars.push([p.decl[0]!, value]);
    }
    return value;
  };

  const run = (nodes: Node[], dot: Data): typeof BREAK | typeof CONTINUE | undefined => {
    for (const n of nodes) {
      if (++state.steps > MAX_STEPS) throw new TemplateError("template: execution exceeded the step limit");
      switch (n.kind) {
        case "text":
          state.out.push(n.text);
          break;
        case "action": {
          const v = evalPipe(n.pipe, dot);
          if (n.pipe.decl.length === 0) state.out.push(goPrint(v));
          break;
        }
        case "if":
        case "with": {
          const mark = state.vars.length;
          const v = evalPipe(n.pipe, dot);
          const r = truth(v) ? run(n.then, n.kind === "with" ? v : dot) : run(n.else, dot);
          state.vars.length = mark;
          if (r) return r;
          break;
        }
        case "range": {
          const mark = state.vars.length;
          const decl = n.pipe.decl;
          const v = evalPipe({ ...n.pipe, decl: [] }, dot);
          let entries: [Data, Data][];
          if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
          else if (v === MISSING || v === null || v === undefined) entries = [];
          else if (typeof v === "object") {
            entries = Object.keys(v)
              .sort()
              .map((k) => [k, (v as Record<string, Data>)[k]]);
          } else if (typeof v === "number" && Number.isInteger(v))
            entries = Array.from({ length: v }, (_, i) => [i, i]);
          else throw new TemplateError(`template: template:1: range can't iterate over ${goPrint(v)}`);
          if (entries.length === 0) {
            run(n.else, dot);
          }
          for (const [k, x] of entries) {
            state.vars.length = mark;
            if (decl.length === 1) state.vars.push([decl[0]!, x]);
            if (decl.length === 2) state.vars.push([decl[0]!, k], [decl[1]!, x]);
            const r = run(n.then, x);
            if (r === BREAK) break;
          }
          state.vars.length = mark;
          break;
        }
        case "break":
          return BREAK;
        case "continue":
          return CONTINUE;
      }
    }
    return undefined;
  };

  run(tree, data);
  return state.out.join("");
}
