//! Integration tests: the real `quantumlock serve` binary on a real database, over HTTP.
//!
//! Every scenario runs once per backend: SQLite on a temporary file, and PostgreSQL on a
//! database created for the test (skipped, with a notice, where no PostgreSQL answers).

mod cluster;
mod harness;
mod load;

mod certificates;
mod contention;
mod crash;
mod errors;
mod flow;
mod isolation;
mod migrations;
mod openapi;
mod outage;
mod persistence;
mod quota;
mod rate_limits;
mod scale_out;
mod sdk_examples;
