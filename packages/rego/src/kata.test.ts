/**
 * The Kata agent policy vectors (regorus tests/kata): 12 genpolicy policies and their agent requests.
 * Each request evaluates `data.agent_policy.<endpoint>` with the request as input (Rego v0, non-strict
 * builtin errors, prints gathered) and must give the recorded result and exactly the recorded prints.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { vectorPath } from "@cocoon/core";
import { Engine } from "./engine.ts";
import { parseJSON, toJS } from "./value/json.ts";
import { isArray, type Value } from "./value/value.ts";

const root = vectorPath("regorus-kata", "data");
const dirs = readdirSync(root)
  .filter((d) => statSync(join(root, d)).isDirectory())
  .sort();

/** inputs.txt lines look like `["ep":"CreateContainerRequest",{...}],` (regorus tests/kata/main.rs). */
function requests(text: string): [string, Value][] {
  const out: [string, Value][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const json = line.replace('"ep":', "").slice(0, -1);
    const v = parseJSON(json);
    assert.ok(isArray(v));
    out.push([v[0] as string, v[1]!]);
  }
  return out;
}

let total = 0;
for (const dir of dirs) {
  test(`kata ${dir}: every request gives the recorded result and prints`, () => {
    const base = join(root, dir);
    const engine = new Engine({ version: "v0", strict: false });
    engine.addPolicy(`tests/kata/data/${dir}/policy.rego`, readFileSync(join(base, "policy.rego"), "utf8"));
    engine.enablePrint(true);
    engine.compile();
    // As regorus's harness: a fresh clone of the base engine must agree with the long-lived one.
    const pristine = engine.clone();
    const reqs = requests(readFileSync(join(base, "inputs.txt"), "utf8"));
    const outputs = JSON.parse(readFileSync(join(base, "outputs.json"), "utf8")) as unknown[];
    const prints = JSON.parse(readFileSync(join(base, "prints.json"), "utf8")) as string[][];
    assert.equal(reqs.length, outputs.length);
    reqs.forEach(([ep, input], i) => {
      engine.takePrints();
      const r = engine.evalRule(`data.agent_policy.${ep}`, input);
      assert.deepEqual(r === undefined ? undefined : toJS(r), outputs[i], `${dir} request ${i} (${ep})`);
      assert.deepEqual(engine.takePrints(), prints[i], `${dir} request ${i} (${ep}) prints`);
      const fresh = pristine.clone();
      const r2 = fresh.evalRule(`data.agent_policy.${ep}`, input);
      assert.deepEqual(
        r2 === undefined ? undefined : toJS(r2),
        outputs[i],
        `${dir} request ${i} (${ep}) on a clone`,
      );
      assert.deepEqual(fresh.takePrints(), prints[i]);
      total++;
    });
  });
}

test("kata: every request of the 12 policies ran (442 lines in inputs.txt)", () => {
  // node:test runs tests in order; this one runs after every directory above.
  assert.equal(total, 442);
});
