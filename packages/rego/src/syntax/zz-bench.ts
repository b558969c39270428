import { readFileSync } from "node:fs";
import { parseModule } from "./index.ts";
const src = readFileSync("/work/shared/vectors/genpolicy/rules.rego", "utf8");
for (let i = 0; i < 50; i++) parseModule(src, { file: "rules.rego", version: "v1" });
const ts: number[] = [];
for (let i = 0; i < 100; i++) { const t = performance.now(); parseModule(src, { file: "rules.rego", version: "v1" }); ts.push(performance.now() - t); }
ts.sort((a, b) => a - b);
console.log("rules.rego median ms", ts[50]!.toFixed(2), "min", ts[0]!.toFixed(2));
const t0 = performance.now(); parseModule(readFileSync("/work/shared/vectors/hcsshim/latest/framework.rego", "utf8"), { version: "v1" }); console.log("framework cold", (performance.now() - t0).toFixed(1));
