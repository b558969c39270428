/**
 * http.send (OPA v1/topdown/http.go) through the host's `httpSend` hook — the engine itself does no I/O —
 * and providers.aws.sign_req (v1/topdown/providers.go), which signs an http.send request with SigV4.
 */
import { BuiltinError } from "../errors.ts";
import { formatValue } from "../value/format.ts";
import { toJSONText } from "../value/json.ts";
import { RObject, RSet, keyOf, type Value } from "../value/value.ts";
import { signV4 } from "./http/sigv4.ts";
import { fail, objectOperand } from "./operands-b.ts";
import type { BuiltinContext, BuiltinDef } from "./types.ts";
import { escapedPath, goParseURL, URLError } from "./uri.ts";

/** The request keys http.send accepts (http.go allowedKeyNames). */
const ALLOWED_KEYS = new Set([
  "method",
  "url",
  "body",
  "enable_redirect",
  "force_json_decode",
  "force_yaml_decode",
  "headers",
  "raw_body",
  "tls_use_system_certs",
  "tls_ca_cert",
  "tls_ca_cert_file",
  "tls_ca_cert_env_variable",
  "tls_client_cert",
  "tls_client_cert_file",
  "tls_client_cert_env_variable",
  "tls_client_key",
  "tls_client_key_file",
  "tls_client_key_env_variable",
  "tls_insecure_skip_verify",
  "tls_server_name",
  "timeout",
  "cache",
  "force_cache",
  "force_cache_duration_seconds",
  "raise_error",
  "caching_mode",
  "max_retry_attempts",
  "cache_ignored_headers",
]);

/** OPA's builtins.NewOperandErr: "operand <n> <message>", reported as eval_type_error. */
function operandError(name: string, pos: number, message: string): BuiltinError {
  return new BuiltinError("eval_type_error", `${name}: operand ${pos} ${message}`);
}

/** validateHTTPRequestOperand: no unknown keys, and both "method" and "url". */
function validateRequest(name: string, v: Value, pos: number): RObject {
  const req = objectOperand(name, v, pos);
  const invalid = [...req.keys()].filter((k) => typeof k !== "string" || !ALLOWED_KEYS.has(k));
  if (invalid.length)
    throw operandError(name, pos, `invalid request parameters(s): ${formatValue(RSet.of(invalid))}`);
  const missing = ["method", "url"].filter((k) => !req.has(k));
  if (missing.length)
    throw operandError(name, pos, `missing required request parameters(s): ${formatValue(RSet.of(missing))}`);
  return req;
}

function httpSend(args: Value[], ctx: BuiltinContext): Value {
  const name = "http.send";
  const req = objectOperand(name, args[0]!, 1);
  const raise = req.get("raise_error");
  if (raise !== undefined && typeof raise !== "boolean")
    throw fail(name, `invalid value for "raise_error" field`);
  const raiseError = raise !== false;
  const errorResult = (code: string, message: string): Value =>
    RObject.fromRecord({ status_code: 0, error: RObject.fromRecord({ code, message }) });
  try {
    validateRequest(name, req, 1);
  } catch (e) {
    if (!raiseError && e instanceof BuiltinError)
      return errorResult("eval_http_send_internal_error", e.message);
    throw e;
  }
  // Within one query, identical requests return the same response (OPA's intra-query cache).
  const cacheKey = `http.send\u0000${keyOf(req)}`;
  const cached = ctx.cache.get(cacheKey) as Value | undefined;
  if (cached !== undefined) return cached;
  const hook = ctx.hooks.httpSend;
  if (!hook) {
    const message = `${name}: no HTTP client is configured (host hook httpSend); the engine performs no network I/O`;
    if (!raiseError) return errorResult("eval_http_send_network_error", message);
    throw new BuiltinError("eval_builtin_error", message);
  }
  let response: Value;
  try {
    response = hook(req);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (!raiseError) return errorResult("eval_http_send_network_error", message);
    throw fail(name, message);
  }
  ctx.cache.set(cacheKey, response);
  return response;
}

const AWS_REQUIRED = ["aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"];

function signRequest(args: Value[]): Value {
  const name = "providers.aws.sign_req";
  const req = objectOperand(name, args[0]!, 1);
  const config = objectOperand(name, args[1]!, 1);
  const missing = AWS_REQUIRED.filter((k) => !config.has(k));
  if (missing.length)
    throw operandError(
      name,
      2,
      `missing required AWS config parameters(s): ${formatValue(RSet.of(missing))}`,
    );
  const invalid = AWS_REQUIRED.filter((k) => typeof config.get(k) !== "string");
  if (invalid.length)
    throw operandError(
      name,
      2,
      `invalid values for required AWS config parameters(s): ${formatValue(RSet.of(invalid))}`,
    );
  const str = (v: Value | undefined): string => (typeof v === "string" ? v : "");
  const ts = args[2]!;
  if (typeof ts !== "number" && typeof ts !== "bigint") throw operandError(name, 1, "must be number");
  if (typeof ts === "number" && !Number.isSafeInteger(ts)) {
    throw operandError(name, 3, "could not convert time_ns value into a unix timestamp");
  }
  validateRequest(name, req, 1);
  const headersValue = req.get("headers");
  let headers = new RObject();
  if (headersValue !== undefined) {
    if (!(headersValue instanceof RObject)) throw operandError(name, 0, "must be object");
    headers = headersValue;
  }
  const badParams = ["method", "url"].filter((k) => typeof req.get(k) !== "string");
  if (badParams.length)
    throw operandError(
      name,
      1,
      `invalid values for required request parameters(s): ${formatValue(RSet.of(badParams))}`,
    );
  let url;
  try {
    url = goParseURL(req.get("url") as string);
  } catch (e) {
    if (e instanceof URLError) throw fail(name, e.message);
    throw e;
  }
  const rawBody = req.get("raw_body");
  const body = req.get("body");
  const bodyBytes =
    rawBody !== undefined
      ? Buffer.from(str(rawBody), "utf8")
      : body !== undefined
        ? Buffer.from(toJSONText(body), "utf8")
        : Buffer.alloc(0);
  const dps = config.get("disable_payload_signing");
  if (dps !== undefined && typeof dps !== "boolean")
    throw operandError(name, 2, "invalid value for 'disable_payload_signing' in AWS config");
  const headerMap = new Map<string, string>();
  for (const [k, v] of headers.entries()) headerMap.set(str(k), str(v));
  const { authorization, awsHeaders } = signV4({
    method: req.get("method") as string,
    host: url.host,
    escapedPath: escapedPath(url),
    rawQuery: url.rawQuery,
    headers: headerMap,
    body: bodyBytes,
    service: str(config.get("aws_service")),
    credentials: {
      accessKey: str(config.get("aws_access_key")),
      secretKey: str(config.get("aws_secret_access_key")),
      region: str(config.get("aws_region")),
      sessionToken: str(config.get("aws_session_token")),
    },
    timeMs: Number(BigInt(ts) / 1_000_000n),
    disablePayloadSigning: dps === true,
  });
  const signed = new RObject();
  for (const [k, v] of headerMap) signed.set(k, v);
  signed.set("Authorization", authorization);
  for (const [k, v] of awsHeaders) signed.set(k, v);
  const out = new RObject();
  for (const [k, v] of req.entries()) out.set(k, v);
  out.set("headers", signed);
  return out;
}

export const httpBuiltins: BuiltinDef[] = [
  { name: "http.send", arity: 1, nondeterministic: true, fn: httpSend },
  { name: "providers.aws.sign_req", arity: 3, fn: signRequest },
];
