import { test } from "node:test";
import assert from "node:assert/strict";
import { httpBuiltins } from "./http.ts";
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, parseJSON, toJSONText, type Value } from "../value/index.ts";
import { testContext } from "./testing/context.ts";
import type { BuiltinContext } from "./types.ts";

const call = (name: string, args: Value[], ctx: BuiltinContext = testContext()): Value | undefined =>
  httpBuiltins.find((b) => b.name === name)!.fn(args, ctx);
const obj = (json: string): Value => parseJSON(json);
const config = obj(
  '{"aws_access_key": "MYAWSACCESSKEYGOESHERE", "aws_secret_access_key": "MYAWSSECRETACCESSKEYGOESHERE", "aws_service": "s3", "aws_region": "us-east-1"}',
);
const T = 1451311705000000000n;
const sign = (req: Value, cfg: Value = config): RObject =>
  call("providers.aws.sign_req", [req, cfg, T]) as RObject;
const rejects = (code: string, text: string, f: () => unknown): void =>
  assert.throws(f, (e: unknown) => e instanceof BuiltinError && e.code === code && e.message.includes(text));

test("providers.aws.sign_req matches OPA's SigV4 signatures (conformance providers-aws)", () => {
  const noBody = sign(obj('{"method": "get", "url": "http://example.com"}'));
  assert.equal(
    toJSONText(noBody.get("headers")!),
    toJSONText(
      obj(
        '{"Authorization": "AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3", "host": "example.com", "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "x-amz-date": "20151228T140825Z"}',
      ),
    ),
  );
  const withToken = RObject.fromEntries([
    ...(config as RObject).entries(),
    ["aws_session_token", "MYAWSSECURITYTOKENGOESHERE"],
  ]);
  assert.match(
    (sign(obj('{"method": "get", "url": "http://example.com"}'), withToken).get("headers") as RObject).get(
      "Authorization",
    ) as string,
    /SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,Signature=23c31bda8a74630c0a94f6b82a3511e7e74728df98e6f54ed0840488dbbdc8d1$/,
  );
  const body = RObject.fromRecord({
    method: "get",
    url: "http://example.com",
    body: RObject.fromRecord({ example: RSet.of([1, 2, 3, 4]) }),
  });
  const bodyHeaders = sign(body).get("headers") as RObject;
  assert.equal(
    bodyHeaders.get("x-amz-content-sha256"),
    "bacff6243c850423883052ac3c336fd645994442933408dfd3f9e858e69bda07",
  );
  assert.match(
    bodyHeaders.get("Authorization") as string,
    /Signature=5fb06ab1cfd74c8fcb3af95b8cce696708cf6155d971dac10f254d79799c6e88$/,
  );
  const unsigned = RObject.fromEntries([...(config as RObject).entries(), ["disable_payload_signing", true]]);
  const u = sign(
    obj('{"method": "get", "url": "https://example.com", "headers": {"foo": "bar"}}'),
    unsigned,
  ).get("headers") as RObject;
  assert.equal(u.get("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  assert.equal(u.get("foo"), "bar");
  assert.match(
    u.get("Authorization") as string,
    /SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,Signature=c6e6db654e92172f71e18c714c123711de069ac6fd7df1348e5b28fd05532028$/,
  );
});

test("providers.aws.sign_req operand errors", () => {
  rejects(
    "eval_type_error",
    'providers.aws.sign_req: operand 1 missing required request parameters(s): {"method", "url"}',
    () => sign(new RObject()),
  );
  rejects(
    "eval_type_error",
    'operand 1 invalid values for required request parameters(s): {"method", "url"}',
    () => sign(RObject.fromRecord({ method: new RSet(), url: new RSet() })),
  );
  rejects(
    "eval_type_error",
    'operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"}',
    () => sign(obj('{"method": "get", "url": "http://example.com"}'), obj('{"example": "example"}')),
  );
  rejects("eval_type_error", "operand 2 invalid value for 'disable_payload_signing' in AWS config", () =>
    sign(
      obj('{"method": "get", "url": "http://example.com"}'),
      RObject.fromEntries([...(config as RObject).entries(), ["disable_payload_signing", "false"]]),
    ),
  );
  rejects("eval_type_error", "operand 3 could not convert time_ns value into a unix timestamp", () =>
    call("providers.aws.sign_req", [obj('{"method": "get", "url": "http://example.com"}'), config, 1.5]),
  );
});

test("http.send goes through the host hook, caches per query, and fails clearly without one", () => {
  const req = obj('{"method": "get", "url": "https://example.com/x"}');
  rejects("eval_builtin_error", "http.send: no HTTP client is configured", () => call("http.send", [req]));
  const ctx = testContext();
  let calls = 0;
  ctx.hooks.httpSend = (r) => {
    calls++;
    return RObject.fromRecord({ status_code: 200, body: (r as RObject).get("url")! });
  };
  assert.equal(
    toJSONText(call("http.send", [req], ctx)!),
    '{"body":"https://example.com/x","status_code":200}',
  );
  call("http.send", [req], ctx);
  assert.equal(calls, 1);
  rejects("eval_type_error", 'http.send: operand 1 invalid request parameters(s): {"bogus"}', () =>
    call("http.send", [obj('{"method": "get", "url": "u", "bogus": 1}')], ctx),
  );
  const soft = call("http.send", [
    obj('{"method": "get", "url": "u", "raise_error": false, "bogus": 1}'),
  ]) as RObject;
  assert.equal(soft.get("status_code"), 0);
  assert.equal((soft.get("error") as RObject).get("code"), "eval_http_send_internal_error");
});
