// Validate a QuantumLock license.
//   Online, no packages:          node validate.mjs QCOS-XXXX-XXXX-XXXX-XXXX
//   Offline, with a certificate:  node validate.mjs --offline keys.json license.qlc
//   (keys.json is a saved GET /api/v1/keys; needs `npm install quantumlock-verify` from the
//   QuantumLock repository's sdks/node, which checks Ed25519 and ML-DSA-65 signatures)
//
// Set QUANTUMLOCK_VENDOR_ID to your own customer id (cust_..., from registration or
// GET /api/v1/customers/me), or fill in VENDOR_ID below. QuantumLock serves every vendor and
// signs every vendor's licenses with the same keys, so a license is only yours when its
// customer_id is your id: any other vendor's license is refused (wrong_vendor).
import { readFileSync } from "node:fs";

const baseUrl = process.env.QUANTUMLOCK_URL ?? "http://127.0.0.1:8000";
const VENDOR_ID = process.env.QUANTUMLOCK_VENDOR_ID ?? "";

async function validate(licenseKey) {
  const response = await fetch(`${baseUrl}/api/v1/licenses/validate`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ license_key: licenseKey }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.json()).detail}`);
  const result = await response.json();
  if (result.valid && result.customer_id !== VENDOR_ID) {
    return { valid: false, reason: "wrong_vendor" };
  }
  return result;
}

async function verifyOffline(keysPath, certificatePath) {
  const { KeySet, VerifyError, verify } = await import("quantumlock-verify");
  const keys = KeySet.fromJson(readFileSync(keysPath, "utf8"));
  const certificate = readFileSync(certificatePath, "utf8").trim();
  try {
    return { ...verify(keys, certificate, { vendorId: VENDOR_ID }), valid: true };
  } catch (error) {
    if (error instanceof VerifyError) return { valid: false, reason: error.code };
    throw error;
  }
}

if (!VENDOR_ID.startsWith("cust_")) {
  console.error("set QUANTUMLOCK_VENDOR_ID to your QuantumLock customer id (cust_...)");
  process.exit(2);
}
const [first, ...rest] = process.argv.slice(2);
const result = first === "--offline" ? await verifyOffline(...rest) : await validate(first);
if (result.valid) {
  console.log(`valid until ${result.expires_at} features: ${result.features.join(", ")}`);
} else {
  console.log(`invalid: ${result.reason ?? "unknown"}`);
}
process.exit(result.valid ? 0 : 1);
