import { parseModule, parseQuery } from "./index.ts";
function time(name: string, f: () => unknown) {
  const t = performance.now();
  let r: string;
  try { f(); r = "ok"; } catch (e) { r = (e as Error).message.split("\n")[0]!.slice(0, 120) + ` [${(e as Error).constructor.name}]`; }
  console.log(name, (performance.now() - t).toFixed(1) + "ms", r);
}
const N = 100000;
time("[ x100k", () => parseQuery("x = " + "[".repeat(N)));
time("[ ]x100k", () => parseQuery("x = " + "[".repeat(N) + "]".repeat(N)));
time("{ x100k", () => parseQuery("x = " + "{".repeat(N)));
time("( x100k", () => parseQuery("x = " + "(".repeat(N) + "1" + ")".repeat(N)));
time("[ 300 ok", () => parseQuery("x = " + "[".repeat(300) + "]".repeat(300)));
time("( 100 ok", () => parseQuery("x = " + "(".repeat(100) + "1" + ")".repeat(100)));
time("{ 300 ok", () => parseQuery("x = " + "{".repeat(300) + "1" + "}".repeat(300)));
time("[x| nested 200", () => parseQuery("x = " + "[x | ".repeat(200) + "true" + "]".repeat(200)));
time("plus chain 100k", () => parseQuery("x = " + Array(N).fill("1").join(" + ")));
time("ref chain 100k", () => parseQuery("x = a" + ".b".repeat(N)));
time("[ [ [ unterminated comma", () => parseQuery("x = " + "[1, ".repeat(5000)));
time("set-ish {a|b, 30", () => parseQuery("x = " + "{a | ".repeat(30) + "b" + ", c}".repeat(30)));
time("arr [a|b, 25", () => parseQuery("x = " + "[a | ".repeat(25) + "b" + ", c]".repeat(25)));
time("obj {a: 25", () => parseQuery("x = " + "{a: ".repeat(25) + "b" + "}".repeat(25)));
time("obj {a: b| 25", () => parseQuery("x = " + "{a: b | ".repeat(25) + "b" + ", c}".repeat(25)));
time("not{ 20k", () => parseModule("package a\nimport future.keywords.not\np if " + "not { ".repeat(20000) + "true" + " }".repeat(20000)));
time("big file", () => parseModule("package a\n" + Array(50000).fill(0).map((_, i) => `p${i} := {"a": [1, 2, ${i}], "b": input.x[${i}]}`).join("\n")));
time("long string", () => parseQuery(`x = "${"a".repeat(5_000_000)}"`));
time("unterminated string", () => parseQuery(`x = "${"a".repeat(1_000_000)}`));
time("template nest", () => parseQuery(`x = ` + `$"{`.repeat(1000) + "1" + `}"`.repeat(1000)));
