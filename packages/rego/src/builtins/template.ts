/**
 * strings.render_template (OPA v1/topdown/template.go): Go text/template over the variables object
 * (converted as OPA's ast.As does: JSON-like maps and slices, sets as arrays). Missing keys render as
 * "<undefined>" as in current OPA, instead of failing.
 */
import { toJSONText } from "../value/json.ts";
import { goSprintf, toGoArg } from "./sprintf.ts";
import { objectOperand, stringOperand } from "./operands-b.ts";
import { fail } from "./operands-b.ts";
import { renderTemplate, TemplateError } from "./template/gotemplate.ts";
import type { BuiltinDef } from "./types.ts";
import type { Value } from "../value/value.ts";

/** printf inside templates: numbers and strings as Go values, composites as their JSON text. */
function templatePrintf(format: string, args: unknown[]): string {
  const toValue = (a: unknown): Value =>
    typeof a === "number" || typeof a === "string" || typeof a === "boolean" || a === null
      ? a
      : JSON.stringify(a);
  return goSprintf(
    format,
    args.map((a) => toGoArg(toValue(a))),
  );
}

export const templateBuiltins: BuiltinDef[] = [
  {
    name: "strings.render_template",
    arity: 2,
    fn: ([t, vars]) => {
      const name = "strings.render_template";
      const template = stringOperand(name, t!, 1);
      const variables = JSON.parse(toJSONText(objectOperand(name, vars!, 2))) as unknown;
      try {
        return renderTemplate(template, variables, templatePrintf);
      } catch (e) {
        if (e instanceof TemplateError) throw fail(name, e.message);
        if (e instanceof RangeError && /call stack/.test(e.message))
          throw fail(name, "template nesting too deep");
        throw e;
      }
    },
  },
];
