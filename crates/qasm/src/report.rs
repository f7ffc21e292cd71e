//! Running a lowered program and shaping the JSON report.

use quantum::{Circuit, DensityMatrix, StateVector};
use serde_json::{Value, json};

use crate::QasmError;
use crate::lower::Lowered;

/// Widest program `simulate` reports on: the JSON holds every amplitude.
pub const MAX_SIMULATE_QUBITS: u32 = 20;

/// Simulates `lowered`; see [`crate::simulate_source`] for the report.
pub fn simulate_lowered(lowered: &Lowered, noise: Option<(f64, f64)>) -> Result<Value, QasmError> {
    let n = lowered.num_qubits;
    if n > MAX_SIMULATE_QUBITS {
        let message = format!("{n} qubits: simulate reports at most {MAX_SIMULATE_QUBITS}");
        return Err(QasmError::Program { line: 1, message });
    }
    let mut circuit = Circuit::new(n);
    for op in &lowered.ops {
        for gate in &op.gates {
            circuit.push(*gate).map_err(|e| QasmError::Program {
                line: op.line,
                message: e.to_string(),
            })?;
        }
    }
    let psi = StateVector::from_circuit(&circuit)?;
    let statevector: Vec<Value> = psi
        .amplitudes()
        .iter()
        .map(|a| json!([a.re, a.im]))
        .collect();
    let mut report = json!({
        "num_qubits": n,
        "statevector": statevector,
        "probabilities": psi.probabilities(),
    });
    if let Some((p1, p2)) = noise {
        let rho = noisy(lowered, p1, p2)?;
        let mut qubit_fidelities = Vec::with_capacity(n as usize);
        for q in 0..n {
            qubit_fidelities.push(psi.qubit_fidelity(q, &rho.reduced(q)?)?);
        }
        report["state_fidelity"] = json!(rho.fidelity_with_pure(&psi)?);
        report["qubit_fidelities"] = json!(qubit_fidelities);
        report["noisy_probabilities"] = json!(rho.probabilities());
    }
    Ok(report)
}

/// The density matrix with depolarizing noise after every standard gate.
fn noisy(lowered: &Lowered, p1: f64, p2: f64) -> Result<DensityMatrix, QasmError> {
    let mut rho = DensityMatrix::zero(lowered.num_qubits)?;
    for op in &lowered.ops {
        for gate in &op.gates {
            rho.apply(gate)?;
        }
        match op.qubits[..] {
            [q] => rho.apply_channel(q, &quantum::Channel::Depolarizing(p1))?,
            [a, b] => rho.depolarize2(a, b, p2)?,
            _ => {
                let message = format!(
                    "the noise model has no channel for the {}-qubit gate `{}`",
                    op.qubits.len(),
                    op.name
                );
                return Err(QasmError::Program {
                    line: op.line,
                    message,
                });
            }
        }
    }
    Ok(rho)
}
