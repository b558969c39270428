/**
 * The genuine Intel SGX Root CA, the single trust anchor of every DCAP chain (PCK, TCB signing,
 * CRL issuers). Pinned by the SHA-256 of its DER, never by name: Intel's own QVL sample data
 * ships look-alike roots with the identical DN (research/evidence.md §4.4, F16).
 */
import { createHash, X509Certificate } from "node:crypto";
import { BytesCache } from "../dcap/cache.ts";

/**
 * SHA-256(DER) of the Intel SGX Root CA (valid 2018-05-21..2049-12-31), identical in
 * Phala-Network/dcap-qvl src/TrustedRootCA.der and google/go-tdx-guest verify/trusted_root.pem.
 * Public download: https://certificates.trustedservices.intel.com/Intel_SGX_Provisioning_Certification_RootCA.cer
 */
export const INTEL_SGX_ROOT_CA_SHA256 = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";

export const INTEL_SGX_ROOT_CA_PEM = `-----BEGIN CERTIFICATE-----
MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIw
aDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENv
cnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJ
BgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIzNTk1OVowaDEaMBgG
A1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0
aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYT
AlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi7
1OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOB
uzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScGrDBSBgNVHR8ESzBJ
MEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50
ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SV
Ur9QGzknBqwwDgYDVR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYI
KoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9CiSDcNoowLuPRLsWGf/Yi7GSX94BgwTwg
AiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=
-----END CERTIFICATE-----
`;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A root the verifier accepts, with whether it is Intel's genuine one. */
export interface IntelTrustRoot {
  cert: X509Certificate;
  fingerprint: string;
  genuine: boolean;
}

let genuineRoot: IntelTrustRoot | undefined;

/** The embedded genuine root, checked once against the pinned fingerprint (a corrupted constant fails loudly). */
export function genuineIntelRoot(): IntelTrustRoot {
  if (genuineRoot) return genuineRoot;
  const cert = new X509Certificate(INTEL_SGX_ROOT_CA_PEM);
  const fingerprint = sha256Hex(cert.raw);
  if (fingerprint !== INTEL_SGX_ROOT_CA_SHA256) {
    throw new Error(`embedded Intel SGX Root CA does not match its pinned fingerprint (${fingerprint})`);
  }
  genuineRoot = Object.freeze({ cert, fingerprint, genuine: true });
  return genuineRoot;
}

/**
 * Extra roots by their exact DER: the same object for the same bytes on every verification, so the
 * per-certificate caches of the verifier (CRL signatures, root key id) keep working for them.
 * Certificates that do not parse are not cached (the error is thrown on every call).
 */
const extraRoots = new BytesCache<IntelTrustRoot>(64);

function extraRoot(der: Uint8Array): IntelTrustRoot {
  const make = (): IntelTrustRoot => {
    const cert = new X509Certificate(der);
    // Frozen: every verification shares this object.
    return Object.freeze({ cert, fingerprint: sha256Hex(cert.raw), genuine: false });
  };
  // Anything but bytes (a caller ignoring the types) is parsed as before, without caching.
  return der instanceof Uint8Array ? extraRoots.getOrSet(der, make) : make();
}

/**
 * The roots in force for one verification: the genuine root unless `genuineRoots === false`, plus
 * extra (e.g. simulator) roots given as DER, which are marked non-genuine so results can say "simulated".
 */
export function intelTrustRoots(trust?: {
  intelRoots?: Uint8Array[];
  genuineRoots?: boolean;
}): IntelTrustRoot[] {
  const roots: IntelTrustRoot[] = [];
  if (trust?.genuineRoots !== false) roots.push(genuineIntelRoot());
  for (const der of trust?.intelRoots ?? []) {
    const root = extraRoot(der);
    if (root.fingerprint === INTEL_SGX_ROOT_CA_SHA256) {
      if (!roots.some((r) => r.genuine)) roots.push(genuineIntelRoot());
      continue;
    }
    roots.push(root);
  }
  return roots;
}
