/**
 * AWS Signature Version 4 as OPA's internal/providers/aws SignV4 computes it (docs.aws.amazon.com
 * "Create a signed AWS API request"): canonical request → string to sign → HMAC-SHA256 key chain.
 */
import { createHash, createHmac } from "node:crypto";

export interface AWSCredentials {
  accessKey: string;
  secretKey: string;
  region: string;
  sessionToken: string;
}

/** Headers AWS proxies may rewrite, so they are never signed (aws-sdk-go v4 signer's ignore list). */
const IGNORED_HEADERS = new Set(["authorization", "user-agent", "x-amzn-trace-id"]);

const sha256Hex = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac("sha256", key).update(data, "utf8").digest();

const pad2 = (n: number): string => String(n).padStart(2, "0");

export interface SignRequest {
  method: string;
  host: string;
  /** The URL's escaped path (Go's URL.EscapedPath()). */
  escapedPath: string;
  rawQuery: string;
  headers: Map<string, string>;
  body: Buffer;
  service: string;
  credentials: AWSCredentials;
  /** Signing time, ms since the epoch. */
  timeMs: number;
  disablePayloadSigning: boolean;
}

/** Returns the Authorization header and the AWS headers added to the request. */
export function signV4(req: SignRequest): { authorization: string; awsHeaders: Map<string, string> } {
  const t = new Date(req.timeMs);
  const date = `${t.getUTCFullYear()}${pad2(t.getUTCMonth() + 1)}${pad2(t.getUTCDate())}`;
  const iso8601 = `${date}T${pad2(t.getUTCHours())}${pad2(t.getUTCMinutes())}${pad2(t.getUTCSeconds())}Z`;
  const payloadHash = req.disablePayloadSigning ? "UNSIGNED-PAYLOAD" : sha256Hex(req.body);

  const awsHeaders = new Map<string, string>([
    ["host", req.host],
    ["x-amz-date", iso8601],
  ]);
  // S3 and Glacier require the payload hash header; other services do not.
  if (req.service === "s3" || req.service === "glacier") awsHeaders.set("x-amz-content-sha256", payloadHash);
  if (req.credentials.sessionToken !== "")
    awsHeaders.set("x-amz-security-token", req.credentials.sessionToken);

  const toSign = new Map<string, string>(awsHeaders);
  for (const [k, v] of req.headers) {
    const lower = k.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, v);
  }
  const names = [...toSign.keys()].sort();
  const signedHeaders = names.join(";");
  const canonical =
    `${req.method}\n${req.escapedPath}\n${req.rawQuery}\n` +
    names.map((k) => `${k}:${toSign.get(k)}\n`).join("") +
    `\n${signedHeaders}\n${payloadHash}`;
  const scope = `${date}/${req.credentials.region}/${req.service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${iso8601}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac(`AWS4${req.credentials.secretKey}`, date);
  key = hmac(key, req.credentials.region);
  key = hmac(key, req.service);
  key = hmac(key, "aws4_request");
  const signature = hmac(key, stringToSign).toString("hex");
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${req.credentials.accessKey}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`,
    awsHeaders,
  };
}
