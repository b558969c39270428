import { test } from "node:test";
import assert from "node:assert/strict";
import { Lexer, Tok, TOKEN_NAMES, type Token } from "./lexer.ts";

function tokens(src: string): Token[] {
  const lx = new Lexer(src);
  const out: Token[] = [];
  for (;;) {
    const t = lx.next();
    out.push(t);
    if (t.kind === Tok.EOF) return out;
  }
}

const kinds = (src: string): string[] =>
  tokens(src).map(
    (t) => `${TOKEN_NAMES[t.kind]}${t.kind === Tok.Ident || t.kind === Tok.Number ? `:${t.lit}` : ""}`,
  );

test("operators, punctuation and identifiers", () => {
  assert.deepEqual(kinds("a := b == c != d <= e >= f < g > h = i"), [
    "identifier:a",
    "assign",
    "identifier:b",
    "equal",
    "identifier:c",
    "neq",
    "identifier:d",
    "lte",
    "identifier:e",
    "gte",
    "identifier:f",
    "lt",
    "identifier:g",
    "gt",
    "identifier:h",
    "eq",
    "identifier:i",
    "eof",
  ]);
  assert.deepEqual(kinds("+-*/%&|.,;:()[]{}"), [
    "plus",
    "minus",
    "mul",
    "div",
    "rem",
    "and",
    "or",
    ".",
    ",",
    ";",
    ":",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "eof",
  ]);
  assert.deepEqual(kinds("__local0__ if _x9"), [
    "identifier:__local0__",
    "identifier:if",
    "identifier:_x9",
    "eof",
  ]);
});

test("numbers are scanned whole, with fraction and exponent", () => {
  assert.deepEqual(kinds("1 2.5 3e10 4.5E-3 0"), [
    "number:1",
    "number:2.5",
    "number:3e10",
    "number:4.5E-3",
    "number:0",
    "eof",
  ]);
  const bad = tokens("1e")[0]!;
  assert.equal(bad.kind, Tok.Illegal);
  assert.equal(bad.error, "expected exponent");
});

test("positions: 1-based rows and columns, code points, whitespace and newline flags", () => {
  const ts = tokens('a\n  "é😀" b # c\n\tc');
  assert.deepEqual(
    ts.map((t) => [t.row, t.col, t.ws, t.nl]),
    [
      [1, 1, false, false],
      [2, 3, true, true],
      [2, 8, true, false],
      [3, 2, true, true],
      [3, 3, false, false],
    ],
  );
});

test("strings, raw strings and template parts keep or decode their text as the parser needs", () => {
  const [s] = tokens('"a\\"b"');
  assert.equal(s!.kind, Tok.String);
  assert.equal(s!.lit, '"a\\"b"');
  const [r] = tokens("`a\nb`");
  assert.equal(r!.kind, Tok.RawString);
  assert.equal(r!.lit, "`a\nb`");
  const lx = new Lexer('$"x\\{y {1} z\\n"');
  const p1 = lx.next();
  assert.deepEqual([p1.kind, p1.lit], [Tok.TemplatePart, "x{y "]);
  assert.equal(lx.next().lit, "1");
  assert.equal(lx.next().kind, Tok.RBrace);
  const p2 = lx.continueTemplate(false);
  assert.deepEqual([p2.kind, p2.lit], [Tok.TemplateEnd, " z\n"]);
});

test("save and restore rewind the scanner", () => {
  const lx = new Lexer("a b c");
  lx.next();
  const p = lx.save();
  assert.equal(lx.next().lit, "b");
  assert.equal(lx.next().lit, "c");
  lx.restore(p);
  assert.equal(lx.next().lit, "b");
});
