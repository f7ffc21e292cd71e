# Recipes for everyday work. The README's two commands do not need just.

# Run the service on ./quantumlock.db.
run:
    cargo run --release -p quantumlock -- serve

# Unit and integration tests (both backends when PostgreSQL answers).
test:
    cargo test --workspace

# Formatting, clippy with warnings as errors, and the hexagon check.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings
    scripts/check-architecture.sh

# What CI runs.
ci:
    bash .ci/run

# Criterion benchmarks.
bench:
    cargo bench --workspace

# Regenerate the committed OpenAPI document after an API change.
openapi:
    cargo run -q -p quantumlock -- openapi > openapi/openapi.json

# schemathesis against a live server over openapi/openapi.json.
contract:
    scripts/contract-test.sh

# Headless Chromium against the Swagger UI at /docs; saves target/swagger-ui.png.
browser:
    scripts/browser-test.sh
