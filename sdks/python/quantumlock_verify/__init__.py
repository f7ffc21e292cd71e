"""Offline verification of QuantumLock license certificates.

A certificate is ``QLC1.<key id>.<payload>.<Ed25519 signature>.<ML-DSA-65 signature>``; both
signatures cover ``SIGNING_PREFIX + payload`` and both must hold. See
docs/license-certificate.md in the QuantumLock repository.

    keys = KeySet.from_json(open("keys.json").read())   # saved GET /api/v1/keys
    license = verify(keys, certificate, vendor_id="cust_...")  # dict, or raises VerifyError

Every vendor's certificates are signed by the same QuantumLock keys: a valid signature proves
only that QuantumLock issued the license to *some* vendor. ``vendor_id`` (your own customer
id) is therefore required, and another vendor's certificate is refused with ``wrong_vendor``.
"""

import base64
import hashlib
import json
import math
import re
from datetime import datetime, timedelta, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from dilithium_py.ml_dsa import ML_DSA_65

__all__ = ["KeySet", "VerifyError", "verify", "SIGNING_PREFIX"]

FORMAT_TAG = "QLC1"
SIGNING_PREFIX = b"quantumlock/license-certificate/v1\n"
KEY_ID_PREFIX = b"quantumlock/key-id/v1\n"
ALGORITHMS = ["Ed25519", "ML-DSA-65"]
STATUSES = ("active", "rotated", "retired")
MAX_CERTIFICATE_CHARS = 64 * 1024
ML_DSA_65_PUBLIC_KEY_BYTES = 1952
ML_DSA_65_SIGNATURE_BYTES = 3309
DEFAULT_LEEWAY_SECONDS = 300
PAYLOAD_FIELDS = (
    "license_key", "customer_id", "end_customer_id", "features", "issued_at", "expires_at",
    "metadata", "quantum_signature", "quantum_fidelity", "key_id",
)
# Every encoding of an Ed25519 point of small order (canonical and not), as ed25519-dalek's
# is_weak() recognises them; such keys or R values would let forged signatures pass.
SMALL_ORDER = frozenset(bytes.fromhex(h) for h in (
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
))
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
# ASCII digits only: \d would also match other scripts' digits, which strptime accepts.
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


class VerifyError(Exception):
    """Why a certificate does not hold; ``code`` matches the Rust SDK's codes."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


def _malformed(message):
    return VerifyError("malformed", message)


def _b64(text, what):
    """Strict unpadded base64url: one spelling per byte string."""
    if not isinstance(text, str) or not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise _malformed(f"{what} is not canonical base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != text:
        raise _malformed(f"{what} is not canonical base64url")
    return raw


def _timestamp(text, what):
    if not isinstance(text, str) or not _TIMESTAMP.fullmatch(text):
        raise _malformed(f"{what} must be UTC to the second with a Z")
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError as error:
        raise _malformed(f"{what} is not a valid time: {error}") from None


def derive_key_id(ed25519_public, ml_dsa_65_public):
    digest = hashlib.sha256(KEY_ID_PREFIX + ed25519_public + ml_dsa_65_public).digest()
    return digest[:8].hex()


class KeySet:
    """The public keys from ``GET /api/v1/keys``, checked on load."""

    def __init__(self, generations):
        self._generations = generations

    @classmethod
    def from_json(cls, text):
        """Raises ValueError (json.JSONDecodeError included) for anything but a valid set."""
        document = json.loads(text, object_pairs_hook=_refuse_repeats_in_keys,
                              parse_constant=_refuse_constant_in_keys)
        if not isinstance(document, dict) or set(document) != {"keys"}:
            raise ValueError("key set must be an object with exactly one field, keys")
        generations = {}
        if not isinstance(document["keys"], list):
            raise ValueError("keys must be a list")
        for entry in document["keys"]:
            key_id, generation = _load_entry(entry)
            if key_id in generations:
                raise ValueError(f"key {key_id} appears twice")
            generations[key_id] = generation
        return cls(generations)

    def get(self, key_id):
        return self._generations.get(key_id)


def _load_entry(entry):
    fields = {"key_id", "algorithms", "status", "created_at", "ed25519_public_key",
              "ml_dsa_65_public_key"}
    if not isinstance(entry, dict) or set(entry) != fields:
        raise ValueError(f"key entry must have exactly the fields {sorted(fields)}")
    key_id = entry["key_id"]
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise ValueError("key id must be 16 lowercase hexadecimal digits")
    if entry["algorithms"] != ALGORITHMS or entry["status"] not in STATUSES:
        raise ValueError(f"key {key_id}: unknown algorithms or status")
    _timestamp(entry["created_at"], "created_at")
    ed25519 = _b64(entry["ed25519_public_key"], "Ed25519 key")
    ml_dsa = _b64(entry["ml_dsa_65_public_key"], "ML-DSA-65 key")
    if len(ed25519) != 32 or ed25519 in SMALL_ORDER:
        raise ValueError(f"key {key_id}: Ed25519 key is malformed or weak")
    if not _canonical_y(ed25519):
        raise ValueError(f"key {key_id}: Ed25519 key is not canonically encoded")
    if len(ml_dsa) != ML_DSA_65_PUBLIC_KEY_BYTES:
        raise ValueError(f"key {key_id}: ML-DSA-65 key must be 1952 bytes")
    if derive_key_id(ed25519, ml_dsa) != key_id:
        raise ValueError(f"key {key_id}: key id does not match its keys")
    public = Ed25519PublicKey.from_public_bytes(ed25519)
    return key_id, (entry["status"], public, ml_dsa)


def _canonical_y(encoded):
    """Whether y (the low 255 bits, little-endian) is below p = 2**255 - 19."""
    return int.from_bytes(encoded, "little") & ((1 << 255) - 1) < 2**255 - 19


def _refuse_repeats_in_keys(pairs):
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("key set repeats a field in one object")
    return dict(pairs)


def _refuse_constant_in_keys(name):
    raise ValueError(f"key set holds {name}, which JSON does not allow")


def _split(certificate):
    if not isinstance(certificate, str) or len(certificate) > MAX_CERTIFICATE_CHARS:
        raise _malformed("certificate must be a string of at most 65536 characters")
    parts = certificate.split(".")
    if len(parts) != 5 or parts[0] != FORMAT_TAG:
        raise _malformed("certificate must be QLC1 and four more dot-separated parts")
    key_id = parts[1]
    if not _KEY_ID.fullmatch(key_id):
        raise _malformed("key id must be 16 lowercase hexadecimal digits")
    payload = _b64(parts[2], "payload")
    ed25519 = _b64(parts[3], "Ed25519 signature")
    ml_dsa = _b64(parts[4], "ML-DSA-65 signature")
    if not payload or len(ed25519) != 64 or len(ml_dsa) != ML_DSA_65_SIGNATURE_BYTES:
        raise _malformed("payload is empty or a signature has the wrong length")
    return key_id, payload, ed25519, ml_dsa


def _check_signatures(keys, certificate):
    key_id, payload, ed25519, ml_dsa = _split(certificate)
    generation = keys.get(key_id)
    if generation is None:
        raise VerifyError("unknown_key_id", f"unknown key id {key_id}")
    status, ed25519_key, ml_dsa_key = generation
    if status == "retired":
        raise VerifyError("retired_key", f"key {key_id} is retired")
    message = SIGNING_PREFIX + payload
    try:
        # verify_strict also refuses an R of small order; OpenSSL checks S < L itself.
        if ed25519[:32] in SMALL_ORDER:
            raise InvalidSignature()
        ed25519_key.verify(ed25519, message)
    except InvalidSignature:
        raise VerifyError("bad_classical_signature", "the Ed25519 signature does not verify") \
            from None
    if not ML_DSA_65.verify(ml_dsa_key, message, ml_dsa):
        raise VerifyError("bad_post_quantum_signature",
                          "the ML-DSA-65 signature does not verify")
    return key_id, payload


def _reject_duplicates(pairs):
    result = {}
    for name, value in pairs:
        if name in result:
            raise _malformed(f"payload repeats the field {name}")
        result[name] = value
    return result


def _refuse_constant(name):
    raise _malformed(f"payload holds {name}, which JSON does not allow")


def _parse_payload(key_id, payload):
    try:
        license = json.loads(payload.decode("utf-8"), object_pairs_hook=_reject_duplicates,
                             parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise _malformed(f"payload is not JSON: {error}") from None
    if not isinstance(license, dict) or set(license) != set(PAYLOAD_FIELDS):
        raise _malformed(f"payload must have exactly the fields {list(PAYLOAD_FIELDS)}")
    _check_types(license)
    _check_text(license)
    if license["key_id"] != key_id:
        raise _malformed("payload names a different key id than the certificate")
    issued_at = _timestamp(license["issued_at"], "issued_at")
    expires_at = _timestamp(license["expires_at"], "expires_at")
    if expires_at <= issued_at:
        raise _malformed("expires_at is not after issued_at")
    return license, issued_at, expires_at


def _check_types(license):
    text_fields = ("license_key", "customer_id", "end_customer_id", "quantum_signature", "key_id")
    fidelity = license["quantum_fidelity"]
    well_typed = (
        all(isinstance(license[name], str) for name in text_fields)
        and isinstance(license["features"], list)
        and all(isinstance(name, str) for name in license["features"])
        and isinstance(license["metadata"], dict)
        and isinstance(fidelity, (int, float)) and not isinstance(fidelity, bool)
        and math.isfinite(fidelity)
    )
    if not well_typed:
        raise _malformed("a payload field has the wrong type")


def _check_text(value):
    """Refuses lone surrogates (JSON's "\\ud800"): they are not Unicode text, cannot be
    encoded or printed, and the Rust verifier refuses them."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _malformed("payload holds a lone surrogate, which is not text") from None
    elif isinstance(value, list):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for name, item in value.items():
            _check_text(name)
            _check_text(item)


def _check_options(vendor_id, now, leeway_seconds):
    if not isinstance(vendor_id, str) or not vendor_id:
        raise TypeError("vendor_id must be your QuantumLock customer id (cust_...)")
    if now is not None and (not isinstance(now, datetime) or now.utcoffset() is None):
        raise TypeError("now must be a timezone-aware datetime")
    if (not isinstance(leeway_seconds, int) or isinstance(leeway_seconds, bool)
            or not 0 <= leeway_seconds <= 2**32 - 1):
        raise ValueError("leeway_seconds must be a whole number of seconds, 0 to 2**32 - 1")


def verify(keys, certificate, *, vendor_id, now=None, leeway_seconds=DEFAULT_LEEWAY_SECONDS):
    """Returns the license (a dict) when the certificate holds at ``now`` (default: the
    current time) and was issued to ``vendor_id`` (your own customer id, ``cust_...``), or
    raises VerifyError. The payload is read only after both signatures verify. Raises
    TypeError or ValueError for unusable options."""
    _check_options(vendor_id, now, leeway_seconds)
    key_id, payload = _check_signatures(keys, certificate)
    license, issued_at, expires_at = _parse_payload(key_id, payload)
    if license["customer_id"] != vendor_id:
        raise VerifyError("wrong_vendor", f"the license was issued by vendor "
                          f"{license['customer_id']}, not by the expected vendor")
    now = now or datetime.now(timezone.utc)
    if now + timedelta(seconds=leeway_seconds) < issued_at:
        raise VerifyError("not_yet_valid",
                          f"the license is not valid before {license['issued_at']}")
    if now >= expires_at:
        raise VerifyError("expired", f"the license expired at {license['expires_at']}")
    return license
