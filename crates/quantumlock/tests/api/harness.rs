//! `TestApp`: starts the server binary on a fresh database and talks to it.

use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

pub type TestResult = anyhow::Result<()>;

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Defines one `#[test]` per backend for a function `fn(Backend) -> TestResult`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() -> $crate::harness::TestResult {
                super::$name($crate::harness::Backend::Sqlite)
            })*
        }
        mod postgres {
            $(#[test]
            fn $name() -> $crate::harness::TestResult {
                if !$crate::harness::postgres_available()? {
                    return Ok(());
                }
                super::$name($crate::harness::Backend::Postgres)
            })*
        }
    };
}

/// The PostgreSQL server tests create their databases on, from `QUANTUMLOCK_TEST_POSTGRES_URL`
/// or the local default.
fn postgres_admin_url() -> String {
    std::env::var("QUANTUMLOCK_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into())
}

/// Whether PostgreSQL tests can run. Where none answers they are skipped and say so once on
/// the terminal, unless `QUANTUMLOCK_REQUIRE_POSTGRES=1` (as in CI) makes that a failure.
pub fn postgres_available() -> anyhow::Result<bool> {
    static AVAILABLE: Mutex<Option<bool>> = Mutex::new(None);
    static NOTICE: Once = Once::new();
    let mut known = AVAILABLE.lock().map_err(|_| anyhow!("poisoned"))?;
    let available =
        *known.get_or_insert_with(|| PgConnection::establish(&postgres_admin_url()).is_ok());
    if !available {
        if std::env::var("QUANTUMLOCK_REQUIRE_POSTGRES").is_ok_and(|value| value == "1") {
            bail!(
                "PostgreSQL is required (QUANTUMLOCK_REQUIRE_POSTGRES=1) but does not answer at {}",
                server_of(&postgres_admin_url())
            );
        }
        NOTICE.call_once(|| {
            // Written past the test harness's capture so that it is seen in every run.
            let _ = writeln!(
                std::io::stderr(),
                "\nNOTICE: PostgreSQL tests SKIPPED: nothing answers at {}. Set \
                 QUANTUMLOCK_TEST_POSTGRES_URL to run them.\n",
                server_of(&postgres_admin_url())
            );
        });
    }
    Ok(available)
}

/// The host part of a PostgreSQL URL, without credentials, for messages.
fn server_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    host.split(['/', '?']).next().unwrap_or(host)
}

/// A database that lives as long as the tests need it, then disappears.
#[derive(Debug)]
pub struct TestDatabase {
    pub url: String,
    backend: Backend,
    workdir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl TestDatabase {
    pub fn create(backend: Backend) -> anyhow::Result<Arc<Self>> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                let path = dir.path().join("quantumlock.db");
                Ok(Arc::new(TestDatabase {
                    url: path.to_string_lossy().into_owned(),
                    backend,
                    workdir: Some(dir),
                    postgres_name: None,
                }))
            }
            Backend::Postgres => {
                let name = format!("ql_test_{}", random_suffix());
                // The server's working directory, where it keeps its signing keys.
                let dir = tempfile::tempdir()?;
                let mut admin = PgConnection::establish(&postgres_admin_url())?;
                admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
                Ok(Arc::new(TestDatabase {
                    url: database_url_for(&postgres_admin_url(), &name),
                    backend,
                    workdir: Some(dir),
                    postgres_name: Some(name),
                }))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A database the caller owns and cleans up (such as one on a throwaway cluster).
    pub fn existing(url: String, backend: Backend) -> Arc<Self> {
        Arc::new(TestDatabase {
            url,
            backend,
            workdir: None,
            postgres_name: None,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(name) = &self.postgres_name
            && let Ok(mut admin) = PgConnection::establish(&postgres_admin_url())
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Swaps the database name in a PostgreSQL URL, keeping credentials and parameters.
fn database_url_for(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

fn random_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let counter = {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    };
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        counter
    )
}

/// A running server process on a test database.
#[derive(Debug)]
pub struct TestApp {
    pub base_url: String,
    pub database: Arc<TestDatabase>,
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    client: Client,
    env: Vec<(String, String)>,
}

impl TestApp {
    /// A server on a fresh database of `backend`.
    pub fn spawn(backend: Backend) -> anyhow::Result<Self> {
        TestApp::spawn_on(TestDatabase::create(backend)?, &[])
    }

    /// A server on an existing test database, with extra environment variables.
    pub fn spawn_on(database: Arc<TestDatabase>, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut command = Command::new(env!("CARGO_BIN_EXE_quantumlock"));
        command
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                &database.url,
            ])
            .env("RUST_LOG", "info")
            .env_remove("QUANTUMLOCK_BIND")
            .env_remove("DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(dir) = &database.workdir {
            command.current_dir(dir.path());
        }
        for (key, value) in &env {
            command.env(key, value);
        }
        let mut child = command.spawn().context("cannot start quantumlock")?;
        let stderr = child.stderr.take().context("no stderr")?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let address = wait_for_address(stderr, log.clone())?;
        let client = Client::builder().timeout(Duration::from_secs(30)).build()?;
        Ok(TestApp {
            base_url: format!("http://{address}"),
            database,
            child,
            log,
            client,
            env,
        })
    }

    /// Stops the server gracefully (SIGTERM) and starts a new one on the same database.
    pub fn restart(mut self) -> anyhow::Result<Self> {
        self.terminate()?;
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        TestApp::spawn_on(self.database.clone(), &env)
    }

    /// SIGTERM, then wait for exit.
    pub fn terminate(&mut self) -> anyhow::Result<()> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        if !status.success() {
            bail!("kill -TERM failed");
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill()?;
        bail!("server did not stop within 15 s of SIGTERM")
    }

    /// SIGKILL: the process gets no chance to clean up.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        self.log
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn get(&self, path: &str) -> anyhow::Result<Response> {
        Ok(self.client.get(self.url(path)).send()?)
    }

    pub fn get_authed(&self, path: &str, api_key: &str) -> anyhow::Result<Response> {
        Ok(self
            .client
            .get(self.url(path))
            .bearer_auth(api_key)
            .send()?)
    }

    pub fn post_json(&self, path: &str, body: &Value) -> anyhow::Result<Response> {
        Ok(self.client.post(self.url(path)).json(body).send()?)
    }

    pub fn post_authed(&self, path: &str, api_key: &str, body: &Value) -> anyhow::Result<Response> {
        Ok(self
            .client
            .post(self.url(path))
            .bearer_auth(api_key)
            .json(body)
            .send()?)
    }

    /// Registers a vendor on `plan` and returns the registration body (with `api_key`).
    pub fn register(&self, email: &str, plan: &str) -> anyhow::Result<Registered> {
        let body = json!({"email": email, "company_name": "Acme Corp", "plan": plan});
        let response = self.post_json("/api/v1/customers/register", &body)?;
        let body = expect_status(response, StatusCode::CREATED)?;
        Ok(Registered {
            id: str_field(&body, "id")?,
            api_key: str_field(&body, "api_key")?,
            body,
        })
    }

    /// Generates a license and returns the response body.
    pub fn generate(&self, api_key: &str, request: &Value) -> anyhow::Result<Value> {
        let response = self.post_authed("/api/v1/licenses/generate", api_key, request)?;
        expect_status(response, StatusCode::OK)
    }

    /// Validates a key and returns the response body.
    pub fn validate(&self, license_key: &str) -> anyhow::Result<Value> {
        let response = self.post_json(
            "/api/v1/licenses/validate",
            &json!({ "license_key": license_key }),
        )?;
        expect_status(response, StatusCode::OK)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A registered vendor.
#[derive(Debug, Clone)]
pub struct Registered {
    pub id: String,
    pub api_key: String,
    pub body: Value,
}

/// A typical generate request.
pub fn license_request() -> Value {
    json!({
        "end_customer_id": "customer-123",
        "features": ["premium", "api_access", "real_quantum"],
        "expires_in_days": 365,
        "metadata": {"company": "Acme Corp", "plan": "enterprise", "max_users": 100}
    })
}

/// Reads the server's log until it names its address, then keeps draining it in the
/// background so the pipe never fills.
fn wait_for_address(
    stderr: std::process::ChildStderr,
    log: Arc<Mutex<Vec<String>>>,
) -> anyhow::Result<String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sender = Some(sender);
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("listening on http://").nth(1)
                && let Some(sender) = sender.take()
            {
                let address = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let _ = sender.send(address);
            }
            if let Ok(mut lines) = log.lock() {
                lines.push(line);
            }
        }
    });
    receiver
        .recv_timeout(STARTUP_TIMEOUT)
        .context("server did not report its address (did it fail to start?)")
}

/// Asserts the status and returns the JSON body, with the body in the error otherwise.
pub fn expect_status(response: Response, status: StatusCode) -> anyhow::Result<Value> {
    let actual = response.status();
    let text = response.text()?;
    if actual != status {
        bail!("expected {status}, got {actual}: {text}");
    }
    serde_json::from_str(&text).with_context(|| format!("body is not JSON: {text}"))
}

/// Asserts an error status with the JSON envelope and returns its `detail`.
pub fn expect_error(response: Response, status: StatusCode) -> anyhow::Result<String> {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = expect_status(response, status)?;
    if !content_type.starts_with("application/json") {
        bail!("error content type is {content_type:?}");
    }
    let object = body.as_object().context("error body is not an object")?;
    if object.len() != 1 {
        bail!("error body has fields besides detail: {body}");
    }
    str_field(&body, "detail")
}

pub fn str_field(body: &Value, field: &str) -> anyhow::Result<String> {
    body.get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("no string field {field:?} in {body}"))
}
