"""Adds the edge cases the three verifiers must agree on to a cases file:

    python3 forge_cases.py CASES.json

Payloads the server never issues (repeated keys, leap seconds, year 0000, non-ASCII digits,
an out-of-range number, a byte order mark, a lone surrogate) are signed with a throwaway key
generation made here, published as the key set "test_signer"; every verifier must refuse
them as malformed. Broken key sets (a repeated field, a non-canonical Ed25519 key) must be
refused at load ("bad_key_set"). Needs the packages of python/requirements.txt."""

import base64
import json
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from dilithium_py.ml_dsa import ML_DSA_65

SIGNING_PREFIX = b"quantumlock/license-certificate/v1\n"
P = 2**255 - 19
D = -121665 * pow(121666, -1, P) % P


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Signer:
    """A key generation of this script's own, unrelated to any server's keys."""

    def __init__(self):
        sys.path.insert(0, __file__.rsplit("/", 1)[0] + "/python")
        from quantumlock_verify import derive_key_id

        self.ed25519 = Ed25519PrivateKey.generate()
        ed25519_public = self.ed25519.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.ml_dsa_public, self.ml_dsa_secret = ML_DSA_65.keygen()
        self.key_id = derive_key_id(ed25519_public, self.ml_dsa_public)
        self.entry = {"key_id": self.key_id, "algorithms": ["Ed25519", "ML-DSA-65"],
                      "status": "active", "created_at": "2025-12-01T00:00:00Z",
                      "ed25519_public_key": b64(ed25519_public),
                      "ml_dsa_65_public_key": b64(self.ml_dsa_public)}

    def certify(self, payload):
        message = SIGNING_PREFIX + payload
        return ".".join(["QLC1", self.key_id, b64(payload), b64(self.ed25519.sign(message)),
                         b64(ML_DSA_65.sign(self.ml_dsa_secret, message))])


def payload_text(signer, vendor_id, **overrides):
    """A payload as compact JSON text in field order; overrides are raw JSON text."""
    fields = {
        "license_key": '"QCOS-ABCD-EFGH-JKMN-PQRS"', "customer_id": json.dumps(vendor_id),
        "end_customer_id": '"customer-1"', "features": '["premium"]',
        "issued_at": '"2025-12-14T10:35:00Z"', "expires_at": '"2099-12-14T10:35:00Z"',
        "metadata": '{"company":"Acme"}', "quantum_signature": '"q1:0.9876"',
        "quantum_fidelity": "0.9386", "key_id": json.dumps(signer.key_id),
    }
    fields.update(overrides)
    return "{" + ",".join(f'"{name}":{value}' for name, value in fields.items()) + "}"


def payload_cases(signer, vendor_id):
    text = lambda **o: payload_text(signer, vendor_id, **o).encode()  # noqa: E731
    malformed = [
        ("repeated key inside metadata", text(metadata='{"seats":1,"seats":1000}')),
        ("repeated key nested in metadata", text(metadata='{"a":{"b":1,"b":2}}')),
        ("leap second timestamp", text(issued_at='"2016-12-31T23:59:60Z"')),
        ("year 0000 timestamp", text(issued_at='"0000-01-01T00:00:00Z"')),
        ("full-width digits in a timestamp", text(expires_at='"２０９９-12-14T10:35:00Z"')),
        ("quantum_fidelity 1e400", text(quantum_fidelity="1e400")),
        ("byte order mark before the payload", b"\xef\xbb\xbf" + text()),
        ("lone surrogate in metadata", text(metadata='{"company":"\\ud800"}')),
    ]
    cases = [{"name": "test signer, well-formed payload", "keys": "test_signer",
              "certificate": signer.certify(text()), "expect": "valid"}]
    cases += [{"name": name, "keys": "test_signer", "certificate": signer.certify(raw),
               "expect": "malformed"} for name, raw in malformed]
    return cases


def non_canonical_ed25519():
    """An encoding y + p of a point that exists and is not of small order (y >= 2)."""
    for y in range(2, 19):
        u, v = (y * y - 1) % P, (D * y * y + 1) % P
        x_squared = u * pow(v, -1, P) % P
        if pow(x_squared, (P - 1) // 2, P) == 1:
            return (y + P).to_bytes(32, "little")
    raise RuntimeError("no non-canonical encoding found")


def key_set_cases(signer, genuine):
    from quantumlock_verify import derive_key_id

    entry = dict(signer.entry)
    ed25519 = non_canonical_ed25519()
    ml_dsa = base64.urlsafe_b64decode(entry["ml_dsa_65_public_key"] + "==")
    entry.update(ed25519_public_key=b64(ed25519), key_id=derive_key_id(ed25519, ml_dsa))
    text = json.dumps(genuine, separators=(",", ":"))
    repeated = text.replace('"status":"active"', '"status":"retired","status":"active"', 1)
    assert repeated != text
    return [
        {"name": "key set repeating a field", "keys_text": repeated, "expect": "bad_key_set"},
        {"name": "non-canonical Ed25519 public key", "expect": "bad_key_set",
         "keys_text": json.dumps({"keys": [entry]})},
        {"name": "key set that is not JSON", "keys_text": "{\"keys\": [", "expect": "bad_key_set"},
    ]


def main(path):
    with open(path, encoding="utf-8") as cases_file:
        document = json.load(cases_file)
    signer = Signer()
    document["key_sets"]["test_signer"] = {"keys": [signer.entry]}
    cases = payload_cases(signer, document["vendor_id"])
    cases += key_set_cases(signer, document["key_sets"]["initial"])
    # A certificate placeholder keeps every case's shape; key set cases never reach it.
    for case in cases:
        case.setdefault("keys", "initial")
        case.setdefault("certificate", document["cases"][0]["certificate"])
    document["cases"] += cases
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, indent=1)
    print(f"cases: {len(cases)} edge cases added to {path}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
