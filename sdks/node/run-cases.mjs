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
  const now = testCase.now ? new Date(testCase.now) : new Date();
  try {
    return ["valid", verify(keySets[testCase.keys], testCase.certificate, { now })];
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
console.log(`node verifier: ${document.cases.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
