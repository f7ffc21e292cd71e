//! Generate load spread over one or more instances, recording what every request got.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::Value;

use crate::harness::{TestApp, TestDatabase, license_request, str_field};

/// Request-rate limits high enough that only quotas and the database decide the outcome.
pub const NO_RATE_LIMITS: [(&str, &str); 2] = [
    ("QUANTUMLOCK_RATE_LIMITS", "100000,100000,100000"),
    ("QUANTUMLOCK_PUBLIC_RATE_LIMIT", "100000,100000"),
];

/// A directory for instance state (the signing keys) that every instance of a test shares,
/// as instances behind one database must; it lives as long as the returned guard.
pub fn shared_data_dir() -> anyhow::Result<(tempfile::TempDir, String)> {
    let dir = tempfile::Builder::new().prefix("ql-data-").tempdir()?;
    let path = dir.path().to_string_lossy().into_owned();
    Ok((dir, path))
}

/// `n_instances` servers on one database, sharing one signing-key directory, without request
/// rate limits; the directory lives as long as the returned guard.
pub fn spawn_instances(
    database: &Arc<TestDatabase>,
    n_instances: usize,
    env: &[(&str, &str)],
) -> anyhow::Result<(tempfile::TempDir, Vec<TestApp>)> {
    let (data_dir, data_path) = shared_data_dir()?;
    let mut env = env.to_vec();
    env.extend(NO_RATE_LIMITS);
    env.push(("QUANTUMLOCK_DATA_DIR", &data_path));
    let apps = (0..n_instances)
        .map(|_| TestApp::spawn_on(database.clone(), &env))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((data_dir, apps))
}

/// What one generate request got.
#[derive(Debug)]
pub struct Outcome {
    /// Which of the target instances served it.
    pub instance_idx: usize,
    /// `None` when no HTTP response came back (refused, reset or timed out).
    pub status: Option<StatusCode>,
    pub body: String,
    pub sent_at: Instant,
    pub elapsed: Duration,
}

impl Outcome {
    /// The license key of a successful generate.
    pub fn license_key(&self) -> anyhow::Result<String> {
        let body: Value = serde_json::from_str(&self.body)
            .with_context(|| format!("body is not JSON: {}", self.body))?;
        str_field(&body, "license_key")
    }

    pub fn is_ok(&self) -> bool {
        self.status == Some(StatusCode::OK)
    }
}

/// Sends one generate request for `api_key` to the instance at `base_url`.
pub fn generate_once(client: &Client, base_url: &str, api_key: &str, idx: usize) -> Outcome {
    let sent_at = Instant::now();
    let response = client
        .post(format!("{base_url}/api/v1/licenses/generate"))
        .bearer_auth(api_key)
        .json(&license_request())
        .send();
    let (status, body) = match response {
        Ok(response) => {
            let status = response.status();
            (Some(status), response.text().unwrap_or_default())
        }
        Err(error) => (None, error.to_string()),
    };
    Outcome {
        instance_idx: idx,
        status,
        body,
        sent_at,
        elapsed: sent_at.elapsed(),
    }
}

/// Threads that keep generating, round-robin over the instances, until stopped.
#[derive(Debug)]
pub struct Load {
    stop: Arc<AtomicBool>,
    n_ok: Arc<AtomicUsize>,
    workers: Vec<JoinHandle<Vec<Outcome>>>,
}

impl Load {
    /// Starts `n_threads` clients; each waits at most `timeout` for any one response.
    pub fn start(
        apps: &[&TestApp],
        api_key: &str,
        n_threads: usize,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let client = Client::builder().timeout(timeout).build()?;
        let base_urls: Arc<Vec<String>> =
            Arc::new(apps.iter().map(|app| app.base_url.clone()).collect());
        let stop = Arc::new(AtomicBool::new(false));
        let n_ok = Arc::new(AtomicUsize::new(0));
        let workers = (0..n_threads)
            .map(|thread_idx| {
                let (client, base_urls) = (client.clone(), base_urls.clone());
                let (stop, n_ok, api_key) = (stop.clone(), n_ok.clone(), api_key.to_owned());
                thread::spawn(move || {
                    let mut outcomes = Vec::new();
                    let mut idx = thread_idx;
                    while !stop.load(Ordering::Relaxed) {
                        let instance_idx = idx % base_urls.len();
                        let url = &base_urls[instance_idx];
                        let outcome = generate_once(&client, url, &api_key, instance_idx);
                        if outcome.is_ok() {
                            n_ok.fetch_add(1, Ordering::Relaxed);
                        } else if outcome.status.is_none() {
                            // A dead instance refuses at once; don't spin on it.
                            thread::sleep(Duration::from_millis(20));
                        }
                        outcomes.push(outcome);
                        idx += 1;
                    }
                    outcomes
                })
            })
            .collect();
        Ok(Load {
            stop,
            n_ok,
            workers,
        })
    }

    /// Successful generates so far.
    pub fn n_ok(&self) -> usize {
        self.n_ok.load(Ordering::Relaxed)
    }

    /// Waits until at least `n` generates succeeded.
    pub fn wait_for_successes(&self, n: usize, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        while self.n_ok() < n {
            if Instant::now() > deadline {
                bail!(
                    "only {} of {n} generates succeeded within {timeout:?}",
                    self.n_ok()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }

    /// Stops the clients and returns every outcome.
    pub fn finish(mut self) -> anyhow::Result<Vec<Outcome>> {
        self.stop.store(true, Ordering::Relaxed);
        let mut outcomes = Vec::new();
        for worker in std::mem::take(&mut self.workers) {
            let mine = worker.join().map_err(|_| anyhow!("load thread panicked"))?;
            outcomes.extend(mine);
        }
        Ok(outcomes)
    }
}

impl Drop for Load {
    // A failing test must not leave clients running against the next one.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The keys of every successful generate.
pub fn issued_keys(outcomes: &[Outcome]) -> anyhow::Result<Vec<String>> {
    outcomes
        .iter()
        .filter(|outcome| outcome.is_ok())
        .map(Outcome::license_key)
        .collect()
}
