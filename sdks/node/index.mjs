// Offline verification of QuantumLock license certificates: Ed25519 with Node's built-in
// crypto, ML-DSA-65 (FIPS 204) with @noble/post-quantum. Both signatures must hold; the
// payload is read only after they do. Format: docs/license-certificate.md.
//
// Every vendor's certificates are signed by the same QuantumLock keys: a valid signature
// proves only that QuantumLock issued the license to *some* vendor. `vendorId` (your own
// customer id) is therefore required, and another vendor's certificate is refused with
// `wrong_vendor`.
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { ml_dsa65 } from "@noble/post-quantum/ml-dsa.js";

export const FORMAT_TAG = "QLC1";
export const SIGNING_PREFIX = Buffer.from("quantumlock/license-certificate/v1\n");
const KEY_ID_PREFIX = Buffer.from("quantumlock/key-id/v1\n");
const ALGORITHMS = ["Ed25519", "ML-DSA-65"];
const STATUSES = new Set(["active", "rotated", "retired"]);
const MAX_CERTIFICATE_CHARS = 64 * 1024;
const ML_DSA_65_PUBLIC_KEY_BYTES = 1952;
const ML_DSA_65_SIGNATURE_BYTES = 3309;
export const DEFAULT_LEEWAY_SECONDS = 300;
const PAYLOAD_FIELDS = [
  "license_key", "customer_id", "end_customer_id", "features", "issued_at", "expires_at",
  "metadata", "quantum_signature", "quantum_fidelity", "key_id",
];
const KEY_FIELDS = [
  "key_id", "algorithms", "status", "created_at", "ed25519_public_key", "ml_dsa_65_public_key",
];
// Every encoding of an Ed25519 point of small order (canonical and not), as ed25519-dalek's
// is_weak() recognises them; such keys or R values would let forged signatures pass.
const SMALL_ORDER = new Set([
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0000000000000000000000000000000000000000000000000000000000000080",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000080",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
]);
const KEY_ID = /^[0-9a-f]{16}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32 key bytes.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Why a certificate does not hold; `code` matches the Rust SDK's codes. */
export class VerifyError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

const malformed = (message) => new VerifyError("malformed", message);

/** Strict unpadded base64url: one spelling per byte string. */
function b64(text, what) {
  if (typeof text !== "string" || !BASE64URL.test(text) || text.length % 4 === 1) {
    throw malformed(`${what} is not canonical base64url`);
  }
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) throw malformed(`${what} is not canonical base64url`);
  return bytes;
}

function timestamp(text, what) {
  const instant = typeof text === "string" && TIMESTAMP.test(text) ? new Date(text) : null;
  // Year 0000 parses, but Rust and Python know no year before 0001.
  if (!instant || Number.isNaN(instant.getTime()) || text.startsWith("0000") ||
      instant.toISOString().replace(".000Z", "Z") !== text) {
    throw malformed(`${what} must be a valid UTC time to the second with a Z`);
  }
  return instant;
}

/**
 * Throws `fail(key)` when an object in `text` (already valid JSON) names a key twice:
 * JSON.parse would silently keep the last one.
 */
function refuseRepeatedKeys(text, fail) {
  const open = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === "\"") {
      let end = i + 1;
      while (text[end] !== "\"") end += text[end] === "\\" ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1));
        const seen = open[open.length - 1];
        if (seen.has(key)) throw fail(key);
        seen.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === "{") {
      open.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      open.push(null);
    } else if (c === "}" || c === "]") {
      open.pop();
    } else if (c === ",") {
      expectKey = open[open.length - 1] instanceof Set;
    }
  }
}

/** Whether y (the low 255 bits, little-endian) is below p = 2^255 - 19. */
function canonicalY(encoded) {
  const y = BigInt(`0x${Buffer.from(encoded).reverse().toString("hex")}`) & ((1n << 255n) - 1n);
  return y < (1n << 255n) - 19n;
}

/** Lone surrogates ("\ud800") are not text; the Rust verifier refuses them too. */
function wellFormedText(value) {
  if (typeof value === "string") return value.isWellFormed();
  if (Array.isArray(value)) return value.every(wellFormedText);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).every(([k, v]) => k.isWellFormed() && wellFormedText(v));
  }
  return true;
}

const sameFields = (object, fields) =>
  object !== null && typeof object === "object" && !Array.isArray(object) &&
  Object.keys(object).length === fields.length && fields.every((f) => Object.hasOwn(object, f));

export function deriveKeyId(ed25519Public, mlDsaPublic) {
  const digest = createHash("sha256").update(KEY_ID_PREFIX).update(ed25519Public)
    .update(mlDsaPublic).digest();
  return digest.subarray(0, 8).toString("hex");
}

function loadEntry(entry) {
  if (!sameFields(entry, KEY_FIELDS)) throw new Error(`key entry must have exactly ${KEY_FIELDS}`);
  const { key_id: keyId } = entry;
  if (typeof keyId !== "string" || !KEY_ID.test(keyId)) throw new Error("bad key id");
  if (JSON.stringify(entry.algorithms) !== JSON.stringify(ALGORITHMS) ||
      !STATUSES.has(entry.status)) {
    throw new Error(`key ${keyId}: unknown algorithms or status`);
  }
  timestamp(entry.created_at, "created_at");
  const ed25519 = b64(entry.ed25519_public_key, "Ed25519 key");
  const mlDsa = b64(entry.ml_dsa_65_public_key, "ML-DSA-65 key");
  if (ed25519.length !== 32 || SMALL_ORDER.has(ed25519.toString("hex"))) {
    throw new Error(`key ${keyId}: Ed25519 key is malformed or weak`);
  }
  if (!canonicalY(ed25519)) throw new Error(`key ${keyId}: Ed25519 key is not canonical`);
  if (mlDsa.length !== ML_DSA_65_PUBLIC_KEY_BYTES) {
    throw new Error(`key ${keyId}: ML-DSA-65 key must be 1952 bytes`);
  }
  if (deriveKeyId(ed25519, mlDsa) !== keyId) throw new Error(`key ${keyId}: id does not match`);
  const ed25519Key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, ed25519]), format: "der", type: "spki",
  });
  return [keyId, { status: entry.status, ed25519Key, mlDsa }];
}

/** The public keys from GET /api/v1/keys, checked on load. */
export class KeySet {
  constructor(generations) {
    this.generations = generations;
  }

  /** Throws an Error (SyntaxError included) for anything but a valid key set. */
  static fromJson(text) {
    const document = JSON.parse(text);
    refuseRepeatedKeys(text, (key) => new Error(`key set repeats the field ${key}`));
    if (!sameFields(document, ["keys"]) || !Array.isArray(document.keys)) {
      throw new Error("key set must be an object with exactly one field, keys");
    }
    const generations = new Map();
    for (const entry of document.keys) {
      const [keyId, generation] = loadEntry(entry);
      if (generations.has(keyId)) throw new Error(`key ${keyId} appears twice`);
      generations.set(keyId, generation);
    }
    return new KeySet(generations);
  }
}

function split(certificate) {
  if (typeof certificate !== "string" || certificate.length > MAX_CERTIFICATE_CHARS) {
    throw malformed("certificate must be a string of at most 65536 characters");
  }
  const parts = certificate.split(".");
  if (parts.length !== 5 || parts[0] !== FORMAT_TAG) {
    throw malformed("certificate must be QLC1 and four more dot-separated parts");
  }
  if (!KEY_ID.test(parts[1])) throw malformed("key id must be 16 lowercase hexadecimal digits");
  const payload = b64(parts[2], "payload");
  const ed25519 = b64(parts[3], "Ed25519 signature");
  const mlDsa = b64(parts[4], "ML-DSA-65 signature");
  if (payload.length === 0 || ed25519.length !== 64 ||
      mlDsa.length !== ML_DSA_65_SIGNATURE_BYTES) {
    throw malformed("payload is empty or a signature has the wrong length");
  }
  return { keyId: parts[1], payload, ed25519, mlDsa };
}

function checkSignatures(keys, certificate) {
  const { keyId, payload, ed25519, mlDsa } = split(certificate);
  const generation = keys.generations.get(keyId);
  if (!generation) throw new VerifyError("unknown_key_id", `unknown key id ${keyId}`);
  if (generation.status === "retired") {
    throw new VerifyError("retired_key", `key ${keyId} is retired`);
  }
  const message = Buffer.concat([SIGNING_PREFIX, payload]);
  // verify_strict also refuses an R of small order; OpenSSL checks S < L itself.
  const classical = !SMALL_ORDER.has(ed25519.subarray(0, 32).toString("hex")) &&
    nodeVerify(null, message, generation.ed25519Key, ed25519);
  if (!classical) {
    throw new VerifyError("bad_classical_signature", "the Ed25519 signature does not verify");
  }
  if (!ml_dsa65.verify(mlDsa, message, generation.mlDsa)) {
    throw new VerifyError("bad_post_quantum_signature", "the ML-DSA-65 signature does not verify");
  }
  return { keyId, payload };
}

function parsePayload(keyId, payload) {
  let license;
  try {
    // ignoreBOM keeps a leading byte order mark, so that JSON.parse refuses it as Rust does.
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(payload);
    license = JSON.parse(text);
    refuseRepeatedKeys(text, (key) => malformed(`payload repeats the field ${key}`));
  } catch (error) {
    if (error instanceof VerifyError) throw error;
    throw malformed(`payload is not JSON: ${error.message}`);
  }
  if (!sameFields(license, PAYLOAD_FIELDS)) {
    throw malformed(`payload must have exactly the fields ${PAYLOAD_FIELDS}`);
  }
  const text = ["license_key", "customer_id", "end_customer_id", "quantum_signature", "key_id"];
  const wellTyped = text.every((f) => typeof license[f] === "string") &&
    Array.isArray(license.features) && license.features.every((f) => typeof f === "string") &&
    sameFields(license.metadata, Object.keys(license.metadata ?? {})) &&
    Number.isFinite(license.quantum_fidelity);
  if (!wellTyped) throw malformed("a payload field has the wrong type");
  if (license.key_id !== keyId) throw malformed("payload names a different key id");
  if (!wellFormedText(license)) throw malformed("payload holds a lone surrogate");
  const issuedAt = timestamp(license.issued_at, "issued_at");
  const expiresAt = timestamp(license.expires_at, "expires_at");
  if (expiresAt <= issuedAt) throw malformed("expires_at is not after issued_at");
  return { license, issuedAt, expiresAt };
}

function checkOptions(vendorId, now, leewaySeconds) {
  if (typeof vendorId !== "string" || vendorId === "") {
    throw new TypeError("options.vendorId must be your QuantumLock customer id (cust_...)");
  }
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new TypeError("options.now must be a valid Date");
  }
  if (!Number.isSafeInteger(leewaySeconds) || leewaySeconds < 0 || leewaySeconds > 2 ** 32 - 1) {
    throw new RangeError("options.leewaySeconds must be a whole number of seconds, 0 to 2^32-1");
  }
}

/**
 * Returns the license when the certificate holds at `now` (default: the current time) and
 * was issued to `vendorId` (required: your own customer id, `cust_...`), or throws
 * VerifyError. Throws TypeError or RangeError for unusable options.
 */
export function verify(keys, certificate, options = {}) {
  const { vendorId, now = new Date(), leewaySeconds = DEFAULT_LEEWAY_SECONDS } = options;
  checkOptions(vendorId, now, leewaySeconds);
  const { keyId, payload } = checkSignatures(keys, certificate);
  const { license, issuedAt, expiresAt } = parsePayload(keyId, payload);
  if (license.customer_id !== vendorId) {
    throw new VerifyError("wrong_vendor", `the license was issued by vendor ` +
      `${license.customer_id}, not by the expected vendor`);
  }
  if (now.getTime() + leewaySeconds * 1000 < issuedAt.getTime()) {
    throw new VerifyError("not_yet_valid", `the license is not valid before ${license.issued_at}`);
  }
  if (now.getTime() >= expiresAt.getTime()) {
    throw new VerifyError("expired", `the license expired at ${license.expires_at}`);
  }
  return license;
}
