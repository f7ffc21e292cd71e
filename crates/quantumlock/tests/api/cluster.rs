//! A throwaway PostgreSQL cluster on a spare port, which a test may stop and start at will.
//! The machine's own server is never touched.

use std::io::Write as _;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

/// A cluster in a temporary directory; stopped and deleted on drop.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    dir: tempfile::TempDir,
}

impl Cluster {
    /// Initialises and starts a cluster. `Ok(None)` (with a notice) where the PostgreSQL
    /// server binaries are not installed, unless `QUANTUMLOCK_REQUIRE_POSTGRES=1`.
    pub fn create() -> anyhow::Result<Option<Self>> {
        let Some(bin) = server_binaries() else {
            if std::env::var("QUANTUMLOCK_REQUIRE_POSTGRES").is_ok_and(|value| value == "1") {
                bail!("PostgreSQL is required but initdb and pg_ctl are not installed");
            }
            // Written past the test harness's capture so that it is seen in every run.
            let _ = writeln!(
                std::io::stderr(),
                "\nNOTICE: PostgreSQL outage test SKIPPED: no initdb and pg_ctl under \
                 /usr/lib/postgresql/*/bin.\n"
            );
            return Ok(None);
        };
        let dir = tempfile::Builder::new().prefix("ql-cluster-").tempdir()?;
        if running_as_root() {
            // initdb refuses to run as root; the cluster belongs to the postgres user.
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path()))?;
        }
        let data = dir.path().join("data");
        let cluster = Cluster {
            port: spare_port()?,
            bin,
            data,
            dir,
        };
        run(cluster
            .tool("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&cluster.data))?;
        cluster.start()?;
        Ok(Some(cluster))
    }

    /// A connection URL to the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) -> anyhow::Result<()> {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c max_connections=60",
            self.port,
            self.dir.path().display()
        );
        run(self
            .tool("pg_ctl")
            .args(["start", "-w", "-t", "30", "-D"])
            .arg(&self.data)
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-o", &options]))
    }

    /// Stops the server the way an operator would: connections are cut, nothing is lost.
    pub fn stop(&self) -> anyhow::Result<()> {
        run(self
            .tool("pg_ctl")
            .args(["stop", "-w", "-t", "30", "-m", "fast", "-D"])
            .arg(&self.data))
    }

    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        let mut command = if running_as_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        };
        // The postgres user may not be allowed into the test's working directory.
        command.current_dir(self.dir.path());
        command
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .args(["stop", "-w", "-m", "immediate", "-D"])
            .arg(&self.data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The newest installed server's binaries directory.
fn server_binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            let complete = ["initdb", "pg_ctl"]
                .iter()
                .all(|tool| bin.join(tool).exists());
            complete.then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

/// A port nothing listens on right now.
fn spare_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
