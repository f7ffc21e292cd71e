//! `quantumlock serve`: opens the database, checks the simulator, serves HTTP.

use std::io::IsTerminal as _;
use std::net::TcpListener;
use std::sync::Arc;

use adapters::http::{self, AppState, ServerConfig};
use adapters::storage::Database;
use adapters::system::{OsEntropy, SystemClock};
use anyhow::Context as _;
use domain::Licensing;
use tracing::{info, warn};
use tracing_subscriber::EnvFilter;

use crate::config::ServeArgs;

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logging();
    let storage = args.storage()?;
    // Claim the address before touching the database, so a wrong --bind changes nothing.
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let database = Database::open(&storage)?;
    let quantum_ready = match quantum::self_check() {
        Ok(()) => true,
        Err(error) => {
            warn!(%error, "quantum self-check failed; fingerprints will not verify");
            false
        }
    };
    let signer = Arc::new(args.keys.open()?);
    let database_port = Arc::new(database.clone());
    let licensing = Licensing::new(
        database_port.clone(),
        database_port,
        Arc::new(SystemClock),
        Arc::new(OsEntropy),
        signer,
        args.plans(),
    );
    let state = AppState {
        licensing,
        database,
        quantum_ready,
    };
    let address = listener.local_addr()?;
    let config = ServerConfig {
        workers: args.workers(),
        rate_limits: args.rate_limits(),
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let server = http::serve(listener, state, &config)?;
        info!(
            http.address = %address,
            db.backend = storage.url.backend_name(),
            quantum.ready = quantum_ready,
            "QuantumLock listening on http://{address}"
        );
        server.await.context("server failed")
    })
}

fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}
