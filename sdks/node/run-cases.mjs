// Runs the shared verifier cases: node run-cases.mjs CASES.json (format in
// sdks/python/run_cases.py). Prints one line per case and a summary.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { KeySet, VerifyError, verify } from "./index.mjs";

const document = JSON.parse(readFileSync(process.argv[2], "utf8"));
const keySets = Object.fromEntries(
  Object.entries(document.key_sets)
    .map(([name, keys]) => [name, KeySet.fromJson(JSON.stringify(keys))]),
);

function run(testCase) {
  if ("keys_text" in testCase) {
    try {
      KeySet.fromJson(testCase.keys_text);
    } catch {
      return ["bad_key_set", null];
    }
    return ["key set accepted", null];
  }
  const now = testCase.now ? new Date(testCase.now) : new Date();
  const vendorId = testCase.vendor ?? document.vendor_id;
  try {
    return ["valid", verify(keySets[testCase.keys], testCase.certificate, { vendorId, now })];
  } catch (error) {
    if (error instanceof VerifyError) return [error.code, null];
    throw error;
  }
}

let failed = 0;
for (const testCase of document.cases) {
  const [outcome, license] = run(testCase);
  let ok = outcome === testCase.expect;
  if (ok && license && "metadata" in testCase) {
    ok = isDeepStrictEqual(license.metadata, testCase.metadata);
  }
  if (!ok) failed += 1;
  console.log(`node   ${ok ? "ok  " : "FAIL"} ${testCase.name}: ${outcome}`);
}
// Unusable options must throw, never verify: a genuine certificate with each of them.
const genuine = document.cases.find((c) => c.expect === "valid" && !c.vendor && !c.now);
const vendorId = document.vendor_id;
const badOptions = [
  ["no options", undefined],
  ["no vendorId", { now: new Date() }],
  ["empty vendorId", { vendorId: "" }],
  ["invalid now", { vendorId, now: new Date("not a date") }],
  ["now not a Date", { vendorId, now: Date.now() }],
  ["leewaySeconds NaN", { vendorId, leewaySeconds: Number.NaN }],
  ["leewaySeconds Infinity", { vendorId, leewaySeconds: Number.POSITIVE_INFINITY }],
  ["leewaySeconds negative", { vendorId, leewaySeconds: -1 }],
];
for (const [name, options] of badOptions) {
  let outcome = "accepted";
  try {
    verify(keySets[genuine.keys], genuine.certificate, options);
  } catch (error) {
    outcome = error instanceof TypeError || error instanceof RangeError ? "refused" : error.code;
  }
  if (outcome !== "refused") failed += 1;
  console.log(`node   ${outcome === "refused" ? "ok  " : "FAIL"} option ${name}: ${outcome}`);
}
const total = document.cases.length + badOptions.length;
console.log(`node verifier: ${total - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
