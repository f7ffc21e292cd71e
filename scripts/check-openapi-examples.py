"""Checks every example in an OpenAPI 3.1 document against the schema it illustrates.

Usage: python check-openapi-examples.py OPENAPI_JSON
Needs jsonschema_rs (schemathesis installs it). Exits 1 naming each example that fails.
"""
import json
import sys

import jsonschema_rs

SCHEMA_KEYS = {"type", "oneOf", "anyOf", "allOf", "$ref", "properties", "pattern", "enum"}


def resolve(node, document, depth=0):
    """Inlines local `$ref`s, so each schema can be checked on its own."""
    if depth > 32:
        raise ValueError("$ref nesting too deep (recursive schema?)")
    if isinstance(node, list):
        return [resolve(item, document, depth) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return resolve(target, document, depth + 1)
    return {key: resolve(value, document, depth) for key, value in node.items()}


def is_schema(node):
    return isinstance(node, dict) and bool(SCHEMA_KEYS & node.keys())


def examples_of(node, path):
    """Yields (where, schema, example) for every example found under `node`."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from examples_of(item, f"{path}/{index}")
        return
    if not isinstance(node, dict):
        return
    if is_schema(node):
        bare = {k: v for k, v in node.items() if k not in ("example", "examples")}
        if "example" in node:
            yield f"{path}/example", bare, node["example"]
        if isinstance(node.get("examples"), list):
            for index, value in enumerate(node["examples"]):
                yield f"{path}/examples/{index}", bare, value
    if is_schema(node.get("schema")):
        if "example" in node:
            yield f"{path}/example", node["schema"], node["example"]
        if isinstance(node.get("examples"), dict):
            for name, example in node["examples"].items():
                if isinstance(example, dict) and "value" in example:
                    yield f"{path}/examples/{name}", node["schema"], example["value"]
    for key, value in node.items():
        if key not in ("example", "examples"):
            yield from examples_of(value, f"{path}/{key}")


def main(file_name):
    with open(file_name, encoding="utf-8") as file:
        document = json.load(file)
    failures, n_checked = 0, 0
    for where, schema, example in examples_of(document, "#"):
        schema = resolve(schema, document)
        validator = jsonschema_rs.Draft202012Validator(schema)
        n_checked += 1
        for error in validator.iter_errors(example):
            failures += 1
            print(f"FAIL {where}: {error.message}"[:400])
    print(f"examples: {n_checked} checked, {failures} failures")
    return 1 if failures or n_checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
