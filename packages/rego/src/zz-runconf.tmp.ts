import { runConformance } from "./index.ts";
import { vectorPath } from "@cocoon/core";
const dirs = process.argv[2]!.split(",");
const r = runConformance({ root: vectorPath("opa-conformance"), dirs });
for (const f of r.folders) console.log(`${f.tree}/${f.folder}: ${f.passed} passed, ${f.failed} failed, ${f.skipped} skipped`);
for (const f of r.failures) console.log(`FAIL ${f.tree}/${f.folder} ${f.note}: ${f.reason.slice(0, 400)}`);
console.log(JSON.stringify(r.totals));
