import { parseModule } from "./index.ts";
const src = "package a\n" + Array(50000).fill(0).map((_, i) => `p${i} := {"a": [1, 2, ${i}], "b": input.x[${i}]}`).join("\n");
for (let k = 0; k < 3; k++) { const t = performance.now(); parseModule(src, { version: "v1" }); console.log("big", (performance.now() - t).toFixed(0)); }
