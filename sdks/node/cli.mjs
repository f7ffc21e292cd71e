#!/usr/bin/env node
// quantumlock-verify --vendor cust_... KEYS.json CERTIFICATE_FILE: prints the license as
// JSON, or the reason. Exit status: 0 the certificate holds, 1 it is refused, 2 usage or
// input error.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { KeySet, VerifyError, verify } from "./index.mjs";

const USAGE = "usage: quantumlock-verify --vendor CUSTOMER_ID KEYS.json CERTIFICATE_FILE\n" +
  "  --vendor: your own QuantumLock customer id; other vendors' certificates are refused\n" +
  "  exit status: 0 valid, 1 refused, 2 usage or input error";

function fail(message) {
  console.error(message);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ options: { vendor: { type: "string" } }, allowPositionals: true });
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
const { values: { vendor }, positionals } = parsed;
if (!vendor || positionals.length !== 2) fail(USAGE);
const [keysPath, certificatePath] = positionals;

function read(path, what) {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    return fail(`quantumlock-verify: cannot read ${what} ${path}: ${error.message}`);
  }
}

let keys;
try {
  keys = KeySet.fromJson(read(keysPath, "key set"));
} catch (error) {
  fail(`quantumlock-verify: ${keysPath} is not a usable key set: ${error.message}`);
}
const certificate = read(certificatePath, "CERT").trim();
try {
  const license = verify(keys, certificate, { vendorId: vendor });
  console.log(JSON.stringify(license, null, 2));
} catch (error) {
  if (!(error instanceof VerifyError)) throw error;
  console.error(`certificate refused (${error.code}): ${error.message}`);
  process.exit(1);
}
