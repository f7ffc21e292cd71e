//! Every migration can be reverted and applied again, on both backends.

use adapters::storage::{StorageConfig, check_migrations_reversible};

use crate::harness::{Backend, TestApp, TestDatabase, TestResult, license_request};

crate::on_both_backends!(migrations_go_down_and_up_again);

fn migrations_go_down_and_up_again(backend: Backend) -> TestResult {
    let database = TestDatabase::create(backend)?;
    check_migrations_reversible(&StorageConfig::for_url(&database.url)?)?;

    // The schema that came back up is one the server can use.
    let app = TestApp::spawn_on(database, &[])?;
    let vendor = app.register("migrate@example.com", "starter")?;
    app.generate(&vendor.api_key, &license_request())?;
    Ok(())
}
