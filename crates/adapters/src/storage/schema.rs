//! The tables, as one portable diesel schema for SQLite and PostgreSQL.

diesel::table! {
    customers (id) {
        id -> Text,
        email -> Text,
        email_normalized -> Text,
        company_name -> Text,
        plan -> Text,
        api_key_digest -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    licenses (key_digest) {
        key_digest -> Text,
        customer_id -> Text,
        end_customer_id -> Text,
        features -> Text,
        metadata -> Text,
        issued_at -> BigInt,
        expires_at -> BigInt,
        status -> Text,
        quantum_signature -> Text,
        quantum_fidelity -> Double,
        generation_time_us -> BigInt,
    }
}

diesel::table! {
    monthly_usage (customer_id, month) {
        customer_id -> Text,
        month -> Integer,
        n_licenses -> Integer,
    }
}

diesel::joinable!(licenses -> customers (customer_id));
diesel::joinable!(monthly_usage -> customers (customer_id));
diesel::allow_tables_to_appear_in_same_query!(customers, licenses, monthly_usage);
