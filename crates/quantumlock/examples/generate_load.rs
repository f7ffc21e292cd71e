//! Bounded generate load for the storage figures in `docs/operations.md`: client threads send
//! `POST /api/v1/licenses/generate` round-robin over one or more instances for a fixed time,
//! then the throughput, latency percentiles and status counts are written out as one line.
//!
//! `cargo run --release --example generate_load -- --api-key KEY URL [URL...]`

use std::collections::BTreeMap;
use std::io::Write as _;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use clap::Parser;
use reqwest::blocking::Client;
use serde_json::json;

#[derive(Debug, Parser)]
struct Args {
    /// The vendor's API key.
    #[arg(long)]
    api_key: String,
    /// Concurrent clients, each with its own keep-alive connections.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// How long to keep sending.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Base URLs of the instances, such as http://127.0.0.1:8000.
    #[arg(required = true)]
    urls: Vec<String>,
}

/// What one client saw: a latency per answered request and a count per status.
#[derive(Debug, Default)]
struct Tally {
    latencies_us: Vec<u64>,
    statuses: BTreeMap<String, u64>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let client = Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(args.clients)
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..args.clients)
        .map(|client_idx| {
            let (client, urls, api_key) = (client.clone(), args.urls.clone(), args.api_key.clone());
            thread::spawn(move || run_client(&client, &urls, &api_key, client_idx, deadline))
        })
        .collect();
    let mut total = Tally::default();
    for worker in workers {
        let tally = worker
            .join()
            .map_err(|_| anyhow!("client thread panicked"))?;
        total.latencies_us.extend(tally.latencies_us);
        for (status, n) in tally.statuses {
            *total.statuses.entry(status).or_default() += n;
        }
    }
    report(&args, &mut total, started.elapsed())
}

fn run_client(
    client: &Client,
    urls: &[String],
    api_key: &str,
    client_idx: usize,
    deadline: Instant,
) -> Tally {
    let body = json!({
        "end_customer_id": format!("load-{client_idx}"),
        "features": ["premium", "api_access"],
        "expires_in_days": 365,
    });
    let mut tally = Tally::default();
    let mut url_idx = client_idx;
    while Instant::now() < deadline {
        let url = format!("{}/api/v1/licenses/generate", urls[url_idx % urls.len()]);
        url_idx += 1;
        let sent = Instant::now();
        let status = match client.post(url).bearer_auth(api_key).json(&body).send() {
            Ok(response) => {
                let status = response.status().as_u16().to_string();
                // Reading the body completes the exchange and frees the connection for reuse.
                let _ = response.bytes();
                status
            }
            Err(_) => "transport error".to_owned(),
        };
        let elapsed_us = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
        tally.latencies_us.push(elapsed_us);
        *tally.statuses.entry(status).or_default() += 1;
    }
    tally
}

fn report(args: &Args, total: &mut Tally, elapsed: Duration) -> anyhow::Result<()> {
    total.latencies_us.sort_unstable();
    let percentile_ms = |fraction: f64| {
        let n = total.latencies_us.len();
        let idx = ((n as f64 * fraction).ceil() as usize).clamp(1, n.max(1)) - 1;
        total
            .latencies_us
            .get(idx)
            .map_or(0.0, |us| *us as f64 / 1_000.0)
    };
    let n_ok = total.statuses.get("200").copied().unwrap_or(0);
    let line = json!({
        "instances": args.urls.len(),
        "clients": args.clients,
        "seconds": elapsed.as_secs_f64(),
        "requests": total.latencies_us.len(),
        "ok_per_second": n_ok as f64 / elapsed.as_secs_f64(),
        "p50_ms": percentile_ms(0.50),
        "p99_ms": percentile_ms(0.99),
        "max_ms": percentile_ms(1.0),
        "statuses": total.statuses,
    });
    writeln!(std::io::stdout(), "{line}")?;
    Ok(())
}
