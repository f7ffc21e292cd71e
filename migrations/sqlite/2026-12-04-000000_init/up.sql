-- Times are Unix seconds (UTC); JSON documents are text. Both keep one schema for both backends.
CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    company_name TEXT NOT NULL,
    plan TEXT NOT NULL CHECK (plan IN ('starter', 'professional', 'enterprise')),
    api_key_digest TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- License keys are stored only as their SHA-256 digest.
CREATE TABLE licenses (
    key_digest TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    end_customer_id TEXT NOT NULL,
    features TEXT NOT NULL,
    metadata TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    quantum_signature TEXT NOT NULL,
    quantum_fidelity DOUBLE PRECISION NOT NULL,
    generation_time_us BIGINT NOT NULL
);

CREATE INDEX licenses_customer_issued ON licenses (customer_id, issued_at);
CREATE INDEX licenses_customer_expires ON licenses (customer_id, expires_at);

-- One counter per vendor and month: the row that serializes concurrent generate requests.
CREATE TABLE monthly_usage (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    month INTEGER NOT NULL,
    n_licenses INTEGER NOT NULL CHECK (n_licenses >= 0),
    PRIMARY KEY (customer_id, month)
);
