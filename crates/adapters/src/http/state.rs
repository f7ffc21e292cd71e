//! What every handler can reach.

use crate::storage::Database;
use domain::Licensing;

/// Shared, cheaply cloned application state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub licensing: Licensing,
    pub database: Database,
    /// Whether the simulator passed its self-check at start.
    pub quantum_ready: bool,
}
