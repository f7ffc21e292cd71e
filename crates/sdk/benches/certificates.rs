//! Issuing (Ed25519 + ML-DSA-65 signatures) and verifying one license certificate, on one core.
//!
//! Every benchmark runs twice: `wall/...` measures elapsed time, as Criterion does by default;
//! `cpu/...` measures the benchmark thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`), the cost
//! per core whatever else the machine is running.

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quantumlock_sdk::{
    KeyStatus, KeysDocument, LicensePayload, PublicKeySet, SigningKeys, Verifier,
};
use serde_json::json;

/// ML-DSA signing repeats a rejection loop a message-dependent number of times, so the
/// benchmarks cycle through this many different licenses to measure the average.
const N_LICENSES: usize = 64;

fn payloads() -> Vec<LicensePayload> {
    (0..N_LICENSES).map(payload).collect()
}

fn payload(idx: usize) -> LicensePayload {
    LicensePayload {
        license_key: format!("QCOS-ABCD-EFGH-JKMN-{idx:04}"),
        customer_id: "cust_k3v9x2m7q4w8".to_owned(),
        end_customer_id: "customer-123".to_owned(),
        features: vec!["premium".into(), "api_access".into(), "real_quantum".into()],
        issued_at: "2025-12-14T10:35:00Z".to_owned(),
        expires_at: "2026-12-14T10:35:00Z".to_owned(),
        metadata: json!({"company": "Café Δ 株式会社", "plan": "enterprise", "max_users": 100})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        quantum_signature: "q1:0.9876|q2:0.9823|q3:0.9901|q4:0.9889|q5:0.9712|q6:0.9644".into(),
        quantum_fidelity: 0.9386,
        key_id: String::new(),
    }
}

fn certificates<M: Measurement>(c: &mut Criterion<M>, clock: &str) {
    let keys = SigningKeys::from_seeds(&[11; 32], &[22; 32]);
    let entry = keys.public_entry(KeyStatus::Active, "2025-12-01T00:00:00Z".to_owned());
    let set = PublicKeySet::from_document(KeysDocument { keys: vec![entry] });
    let Ok(set) = set else {
        panic!("key set refused: {set:?}")
    };
    let verifier = Verifier::new(set);
    let licenses = payloads();
    let certificates: Vec<String> = licenses
        .iter()
        .map(|payload| keys.certify(payload.clone()).unwrap_or_default())
        .collect();
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .map(|instant| instant.to_utc())
        .unwrap_or_default();

    let mut group = c.benchmark_group(format!("{clock}/certificate"));
    group.throughput(Throughput::Elements(1));
    let mut idx = 0;
    group.bench_function("issue (Ed25519 + ML-DSA-65)", |b| {
        b.iter(|| {
            idx = (idx + 1) % N_LICENSES;
            keys.certify(std::hint::black_box(licenses[idx].clone()))
        })
    });
    group.bench_function("verify (both signatures + payload)", |b| {
        b.iter(|| {
            idx = (idx + 1) % N_LICENSES;
            verifier.verify(
                std::hint::black_box(&certificates[idx]),
                "cust_k3v9x2m7q4w8",
                now,
            )
        })
    });
    group.finish();
}

/// Each algorithm alone over a typical signed message, to show where the time goes.
fn algorithms<M: Measurement>(c: &mut Criterion<M>, clock: &str) {
    use ed25519_dalek::Signer as _;
    use ml_dsa::signature::{Keypair as _, Signer as _, Verifier as _};

    let messages: Vec<Vec<u8>> = payloads()
        .iter()
        .map(|payload| quantumlock_sdk::signing_message(&payload.to_bytes().unwrap_or_default()))
        .collect();
    let message = &messages[0];
    let ed25519 = ed25519_dalek::SigningKey::from_bytes(&[11; 32]);
    let ml_dsa = ml_dsa::SigningKey::<ml_dsa::MlDsa65>::from_seed(&[22u8; 32].into());
    let ed25519_signature = ed25519.sign(message);
    let ml_dsa_signature = ml_dsa.sign(message);
    let ml_dsa_public = ml_dsa.verifying_key();
    let ed25519_public = ed25519.verifying_key();

    let mut group = c.benchmark_group(format!("{clock}/algorithm"));
    let mut idx = 0;
    group.bench_function("Ed25519 sign", |b| b.iter(|| ed25519.sign(message)));
    group.bench_function("ML-DSA-65 sign (64 messages in turn)", |b| {
        b.iter(|| {
            idx = (idx + 1) % N_LICENSES;
            ml_dsa.sign(&messages[idx])
        })
    });
    group.bench_function("Ed25519 verify_strict", |b| {
        b.iter(|| ed25519_public.verify_strict(message, &ed25519_signature))
    });
    group.bench_function("ML-DSA-65 verify", |b| {
        b.iter(|| ml_dsa_public.verify(message, &ml_dsa_signature))
    });
    group.finish();
}

fn wall(c: &mut Criterion<WallTime>) {
    certificates(c, "wall");
    algorithms(c, "wall");
}

fn cpu(c: &mut Criterion<ThreadCpu>) {
    certificates(c, "cpu");
    algorithms(c, "cpu");
}

/// CPU time consumed by the benchmark thread itself.
struct ThreadCpu;

impl Measurement for ThreadCpu {
    type Intermediate = cpu_time::ThreadTime;
    type Value = Duration;

    fn start(&self) -> Self::Intermediate {
        cpu_time::ThreadTime::now()
    }

    fn end(&self, started: Self::Intermediate) -> Self::Value {
        started.elapsed()
    }

    fn add(&self, v1: &Self::Value, v2: &Self::Value) -> Self::Value {
        *v1 + *v2
    }

    fn zero(&self) -> Self::Value {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Self::Value) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Formats nanosecond values as Criterion does for wall time.
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns"),
            t if t < 1e6 => (1e-3, "µs"),
            t if t < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|value| *value *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let n_elements = match *throughput {
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => n,
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) | Throughput::Bits(n) => n,
        };
        values
            .iter_mut()
            .for_each(|value| *value = n_elements as f64 * 1e9 / *value);
        "elem/s (per core)"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

criterion_group!(wall_clock, wall);
criterion_group! {
    name = thread_cpu;
    config = Criterion::default().with_measurement(ThreadCpu);
    targets = cpu
}
criterion_main!(wall_clock, thread_cpu);
