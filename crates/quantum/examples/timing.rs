//! Quick minimum-of-N timings of the benchmark circuits, robust to a busy
//! machine: `cargo run --release -p quantumlock-quantum --example timing`.

use std::io::Write;
use std::time::{Duration, Instant};

use quantum::{Circuit, CircuitError, DensityMatrix, NoiseModel, SimError, StateVector};

/// Same circuit as `benches/engine.rs`.
fn layered(width: u32) -> Result<Circuit, CircuitError> {
    let angle = |l: u32, q: u32, w: u32| {
        0.1 + 0.37 * f64::from(l) + 0.11 * f64::from(q) + 0.5 * f64::from(w)
    };
    let mut c = Circuit::new(width);
    for layer in 0..10 {
        for q in 0..width {
            c.ry(q, angle(layer, q, 0))?.rz(q, angle(layer, q, 1))?;
        }
        for q in 0..width.saturating_sub(1) {
            c.cx(q, q + 1)?;
        }
    }
    Ok(c)
}

fn best(runs: u32, mut f: impl FnMut() -> Result<(), SimError>) -> Result<Duration, SimError> {
    let mut min = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        min = min.min(start.elapsed());
    }
    Ok(min)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = std::io::stdout().lock();
    let widths: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let widths = if widths.is_empty() {
        vec![12, 16, 20]
    } else {
        widths
    };
    for &w in &widths {
        let c = layered(w)?;
        let t = best(if w >= 22 { 2 } else { 7 }, || {
            StateVector::from_circuit(&c).map(|_| ())
        })?;
        writeln!(
            out,
            "statevector {w:2} qubits: {:>12.3} ms",
            t.as_secs_f64() * 1e3
        )?;
    }
    let noise = NoiseModel::depolarizing(0.001, 0.01);
    for w in [6u32, 8, 10] {
        let c = layered(w)?;
        let t = best(5, || DensityMatrix::zero(w)?.run_noisy(&c, &noise))?;
        writeln!(
            out,
            "density     {w:2} qubits: {:>12.3} ms",
            t.as_secs_f64() * 1e3
        )?;
    }
    let digest = [0x3cu8; 32];
    let t = best(200, || {
        std::hint::black_box(quantum::license_fingerprint(&digest));
        Ok(())
    })?;
    writeln!(
        out,
        "fingerprint          : {:>12.1} µs",
        t.as_secs_f64() * 1e6
    )?;
    Ok(())
}
