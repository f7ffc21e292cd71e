//! OpenQASM 2.0 front end: parses a program, simulates it on the
//! `quantum` engine and reports the result as JSON.
//!
//! `include "qelib1.inc";` provides the gates of Qiskit's `qelib1.inc` with
//! Qiskit's exact matrices (including global phases), so amplitudes can be
//! compared with Qiskit Aer directly. Qubits of several `qreg`s are numbered
//! in declaration order, and qubit 0 is the least significant bit of a basis
//! index. `measure` is accepted only at the end of a qubit's history (it does
//! not change the reported state: the probabilities are reported instead),
//! `barrier` is ignored, and `reset` and `if` are rejected.

mod lower;
mod report;
mod source;
mod stdgates;

use std::path::{Path, PathBuf};

pub use lower::{Lowered, Op, lower};
pub use report::{MAX_SIMULATE_QUBITS, simulate_lowered};
pub use source::{Parsed, parse};

/// Why a program could not be simulated.
#[derive(Debug, thiserror::Error)]
pub enum QasmError {
    /// The program is malformed or uses something unsupported.
    #[error("line {line}: {message}")]
    Program {
        /// 1-based line of the offending statement.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file could not be read.
    #[error("cannot read {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The noise parameters are unusable.
    #[error("invalid noise: {0}")]
    Noise(String),
    /// The engine refused the program (for instance, too many qubits).
    #[error("simulation failed: {0}")]
    Simulation(#[from] quantum::SimError),
}

impl QasmError {
    /// The line the error points at, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            QasmError::Program { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// Simulates OpenQASM 2.0 source text. With `noise = Some((p1, p2))` it also
/// runs the density matrix with a `p1` one-qubit depolarizing channel after
/// every one-qubit gate and a `p2` two-qubit one after every two-qubit gate.
///
/// The JSON has `num_qubits`, `statevector` (`[re, im]` per amplitude,
/// little-endian) and `probabilities`; with noise also `state_fidelity`,
/// `qubit_fidelities` and `noisy_probabilities`.
pub fn simulate_source(
    source: &str,
    noise: Option<(f64, f64)>,
) -> Result<serde_json::Value, QasmError> {
    simulate_with_base(source, None, noise)
}

/// Reads and simulates a `.qasm` file; see [`simulate_source`]. Includes
/// other than `qelib1.inc` resolve relative to the file's directory.
pub fn simulate_file(
    path: &Path,
    noise: Option<(f64, f64)>,
) -> Result<serde_json::Value, QasmError> {
    let source = read_bounded(path).map_err(|source| QasmError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let base = path.parent().map(|p| {
        if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        }
    });
    simulate_with_base(&source, base, noise)
}

/// The largest program or include file read, so that `/dev/zero` or a huge file fails
/// cleanly instead of exhausting memory.
pub const MAX_SOURCE_BYTES: u64 = 1 << 20;

/// Reads a source file of at most [`MAX_SOURCE_BYTES`].
pub(crate) fn read_bounded(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;

    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_SOURCE_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_SOURCE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("file is larger than {MAX_SOURCE_BYTES} bytes"),
        ));
    }
    Ok(text)
}

fn simulate_with_base(
    source: &str,
    base: Option<&Path>,
    noise: Option<(f64, f64)>,
) -> Result<serde_json::Value, QasmError> {
    if let Some(n) = noise {
        check_noise(n)?;
    }
    let parsed = parse(source, base)?;
    let lowered = lower(&parsed)?;
    simulate_lowered(&lowered, noise)
}

/// Parses the CLI form `P1,P2` of the noise option.
pub fn parse_noise(arg: &str) -> Result<(f64, f64), QasmError> {
    let bad = || QasmError::Noise(format!("expected P1,P2 (two numbers), got `{arg}`"));
    let (a, b) = arg.split_once(',').ok_or_else(bad)?;
    let p1 = a.trim().parse().map_err(|_| bad())?;
    let p2 = b.trim().parse().map_err(|_| bad())?;
    check_noise((p1, p2))?;
    Ok((p1, p2))
}

/// Depolarizing parameters are valid up to `4^k / (4^k − 1)` for `k` qubits.
fn check_noise((p1, p2): (f64, f64)) -> Result<(), QasmError> {
    for (p, max, k) in [(p1, 4.0 / 3.0, 1), (p2, 16.0 / 15.0, 2)] {
        if !(0.0..=max).contains(&p) {
            return Err(QasmError::Noise(format!(
                "{k}-qubit depolarizing {p} is outside [0, {max}]"
            )));
        }
    }
    Ok(())
}
