//! One module per use case, each a method on [`crate::Licensing`] with its own error type.

pub mod authenticate;
pub mod customer_info;
pub mod generate_license;
pub mod register_customer;
pub mod signing_keys;
pub mod stats;
pub mod validate_license;

#[cfg(test)]
pub(crate) mod fixtures;
