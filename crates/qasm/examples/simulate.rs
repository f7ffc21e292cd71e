//! Prints the JSON report of `simulate FILE [--noise P1,P2]` until the CLI
//! subcommand exists; the Qiskit comparison script drives it.

use std::io::Write;
use std::process::ExitCode;

fn run() -> Result<serde_json::Value, String> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: simulate FILE.qasm [--noise P1,P2]";
    let path = args.next().ok_or(usage)?;
    let noise = match (args.next().as_deref(), args.next()) {
        (None, _) => None,
        (Some("--noise"), Some(spec)) => Some(qasm::parse_noise(&spec).map_err(|e| e.to_string())?),
        _ => return Err(usage.into()),
    };
    qasm::simulate_file(std::path::Path::new(&path), noise).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match run() {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{report}") {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            }
        }
        Err(message) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "error: {message}");
            ExitCode::FAILURE
        }
    }
}
