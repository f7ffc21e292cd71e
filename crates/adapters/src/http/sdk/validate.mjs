// Validate a QuantumLock license key: node validate.mjs QCOS-XXXX-XXXX-XXXX-XXXX
const baseUrl = process.env.QUANTUMLOCK_URL ?? "http://127.0.0.1:8000";

async function validate(licenseKey) {
  const response = await fetch(`${baseUrl}/api/v1/licenses/validate`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ license_key: licenseKey }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.json()).detail}`);
  return response.json();
}

const result = await validate(process.argv[2]);
if (result.valid) {
  console.log(`valid until ${result.expires_at} features: ${result.features.join(", ")}`);
} else {
  console.log(`invalid: ${result.reason ?? "unknown"}`);
}
process.exit(result.valid ? 0 : 1);
