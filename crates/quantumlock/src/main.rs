//! `quantumlock`: reads configuration, wires the adapters to the domain, and runs.

mod config;
mod keys_cmd;
mod serve;
mod verify_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use config::ServeArgs;

#[derive(Debug, Parser)]
#[command(
    name = "quantumlock",
    version,
    about = "The QuantumLock licensing service"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP service.
    Serve(ServeArgs),
    /// Simulate an OpenQASM 2.0 circuit and print the result as JSON.
    Simulate(SimulateArgs),
    /// Manage the license signing keys: rotate, retire, list.
    Keys(keys_cmd::KeysArgs),
    /// Verify a license certificate offline against a saved `GET /api/v1/keys` response.
    Verify(verify_cmd::VerifyArgs),
    /// Print the OpenAPI document, as committed in `openapi/openapi.json`.
    #[command(hide = true)]
    Openapi,
}

#[derive(Debug, clap::Args)]
struct SimulateArgs {
    /// The OpenQASM 2.0 file.
    file: std::path::PathBuf,
    /// Depolarizing probabilities after one- and two-qubit gates, as `P1,P2`.
    #[arg(long, value_name = "P1,P2", value_parser = parse_noise)]
    noise: Option<(f64, f64)>,
}

fn parse_noise(text: &str) -> Result<(f64, f64), String> {
    qasm::parse_noise(text).map_err(|error| error.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Simulate(args) => simulate(&args),
        Command::Keys(args) => keys_cmd::run(&args),
        // Distinguishes a refused certificate from bad input in its exit status.
        Command::Verify(args) => return verify_cmd::run(&args),
        Command::Openapi => print_openapi(),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The one place the binary reports a fatal error to its operator.
            #[expect(clippy::print_stderr, reason = "fatal errors go to the terminal")]
            {
                eprintln!("quantumlock: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn print_openapi() -> anyhow::Result<()> {
    use std::io::Write as _;

    let text = adapters::http::openapi::document_text()?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

fn simulate(args: &SimulateArgs) -> anyhow::Result<()> {
    use std::io::Write as _;

    let result = qasm::simulate_file(&args.file, args.noise)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &result)?;
    writeln!(stdout)?;
    Ok(())
}
