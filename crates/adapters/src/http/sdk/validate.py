"""Validate a QuantumLock license key: python3 validate.py QCOS-XXXX-XXXX-XXXX-XXXX"""
import json
import os
import sys
import urllib.request

BASE_URL = os.environ.get("QUANTUMLOCK_URL", "http://127.0.0.1:8000")


def validate(license_key):
    request = urllib.request.Request(
        BASE_URL + "/api/v1/licenses/validate",
        data=json.dumps({"license_key": license_key}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


result = validate(sys.argv[1])
if result["valid"]:
    print("valid until", result["expires_at"], "features:", ", ".join(result["features"]))
else:
    print("invalid:", result.get("reason", "unknown"))
sys.exit(0 if result["valid"] else 1)
