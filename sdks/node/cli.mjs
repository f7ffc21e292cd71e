#!/usr/bin/env node
// quantumlock-verify KEYS.json CERTIFICATE_FILE: prints the license as JSON, or the reason.
import { readFileSync } from "node:fs";
import { KeySet, VerifyError, verify } from "./index.mjs";

const [keysPath, certificatePath] = process.argv.slice(2);
if (!keysPath || !certificatePath) {
  console.error("usage: quantumlock-verify KEYS.json CERTIFICATE_FILE");
  process.exit(2);
}
const keys = KeySet.fromJson(readFileSync(keysPath, "utf8"));
try {
  const license = verify(keys, readFileSync(certificatePath, "utf8").trim());
  console.log(JSON.stringify(license, null, 2));
} catch (error) {
  if (!(error instanceof VerifyError)) throw error;
  console.error(`certificate refused (${error.code}): ${error.message}`);
  process.exit(1);
}
