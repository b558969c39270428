import { test } from "node:test";
import assert from "node:assert/strict";
import { goJSONDecodeError } from "./gojson-errors.ts";

test("malformed JSON gets Go decoder's messages", () => {
  const cases: [string, string | undefined][] = [
    ["", "EOF"],
    ["x", "invalid character 'x' looking for beginning of value"],
    ["{", "unexpected EOF"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ["{1:2}", "invalid character '1' looking for beginning of object key string"],
    ["01", "invalid character '1' after top-level value"],
    ["-a", "invalid character 'a' in numeric literal"],
    ["1.e3", "invalid character 'e' after decimal point in numeric literal"],
    ["1ex", "invalid character 'x' in exponent of numeric literal"],
    ["trux", "invalid character 'x' in literal true (expecting 'e')"],
    ['"a\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ["1 2", "error: invalid character '2' after top-level value"],
    ["{} x", "invalid character 'x' looking for beginning of value"],
    ['{"a": [1, {"b": null}]}', undefined],
  ];
  for (const [text, want] of cases) assert.equal(goJSONDecodeError(text), want, text);
});
