//! Criterion benchmarks: layered state-vector circuits, noisy density
//! matrices and the license fingerprint (compared with Aer by
//! `benches/qiskit_compare.py`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use quantum::{Circuit, CircuitError, DensityMatrix, NoiseModel, StateVector, license_fingerprint};

/// Must match `bench_angle` in `benches/qiskit_compare.py`.
fn angle(layer: u32, qubit: u32, which: u32) -> f64 {
    0.1 + 0.37 * f64::from(layer) + 0.11 * f64::from(qubit) + 0.5 * f64::from(which)
}

/// RY and RZ on every qubit then a CNOT ladder, ten times.
fn layered(width: u32) -> Result<Circuit, CircuitError> {
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

fn statevector(c: &mut Criterion) {
    let mut group = c.benchmark_group("statevector_layered");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    for width in [12u32, 16, 20, 24] {
        let Ok(circuit) = layered(width) else {
            continue;
        };
        group.bench_with_input(
            BenchmarkId::from_parameter(width),
            &circuit,
            |b, circuit| {
                b.iter(|| StateVector::from_circuit(black_box(circuit)).map(|s| s.num_qubits()));
            },
        );
    }
    group.finish();
}

fn density(c: &mut Criterion) {
    let mut group = c.benchmark_group("density_noisy_layered");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    let noise = NoiseModel::depolarizing(0.001, 0.01);
    for width in [6u32, 8, 10] {
        let Ok(circuit) = layered(width) else {
            continue;
        };
        group.bench_with_input(
            BenchmarkId::from_parameter(width),
            &circuit,
            |b, circuit| {
                b.iter(|| {
                    let mut rho = DensityMatrix::zero(width)?;
                    rho.run_noisy(black_box(circuit), &noise)?;
                    Ok::<_, quantum::SimError>(rho.trace())
                });
            },
        );
    }
    group.finish();
}

fn fingerprint(c: &mut Criterion) {
    let mut group = c.benchmark_group("license_fingerprint");
    let digest: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(73).wrapping_add(5));
    group.bench_function("v1", |b| b.iter(|| license_fingerprint(black_box(&digest))));
    group.finish();
}

criterion_group!(benches, statevector, density, fingerprint);
criterion_main!(benches);
