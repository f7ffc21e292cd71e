//! End-to-end tests of the OpenQASM front end through its public API.

#![expect(
    clippy::expect_used,
    reason = "a broken fixture should fail the test loudly"
)]

use qasm::{QasmError, parse_noise, simulate_file, simulate_source};
use serde_json::Value;

const EPS: f64 = 1e-12;
const R: f64 = std::f64::consts::FRAC_1_SQRT_2;

fn program(body: &str) -> String {
    format!("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n{body}")
}

fn amplitudes(report: &Value) -> Vec<(f64, f64)> {
    let list = report["statevector"].as_array().expect("statevector");
    list.iter()
        .map(|a| (a[0].as_f64().expect("re"), a[1].as_f64().expect("im")))
        .collect()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn assert_amplitudes(source: &str, want: &[(f64, f64)]) {
    let report = simulate_source(source, None).expect("valid program");
    let got = amplitudes(&report);
    assert_eq!(got.len(), want.len(), "{source}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let d = (g.0 - w.0).abs().max((g.1 - w.1).abs());
        assert!(d < EPS, "{source}\namplitude {i}: {g:?} vs {w:?}");
    }
}

fn error_line(source: &str, noise: Option<(f64, f64)>) -> (usize, String) {
    match simulate_source(source, noise) {
        Err(e) => (e.line().expect("located error"), e.to_string()),
        Ok(v) => panic!("accepted: {v}"),
    }
}

#[test]
fn known_programs() {
    let z = (0.0, 0.0);
    let cases: &[(&str, Vec<(f64, f64)>)] = &[
        (
            "qreg q[2];\nh q[0];\ncx q[0], q[1];\n",
            vec![(R, 0.0), z, z, (R, 0.0)],
        ),
        (
            "qreg q[3];\nx q[1];\n",
            vec![z, z, (1.0, 0.0), z, z, z, z, z],
        ),
        // Registers are numbered in declaration order: b[0] is qubit 1.
        (
            "qreg a[1];\nqreg b[1];\nx b[0];\n",
            vec![z, z, (1.0, 0.0), z],
        ),
        ("qreg q[2];\nh q;\n", vec![(0.5, 0.0); 4]),
        (
            "qreg q[2];\nx q[0];\nswap q[0], q[1];\n",
            vec![z, z, (1.0, 0.0), z],
        ),
        (
            "qreg q[2];\nx q[0];\ncx q[0], q[1];\n",
            vec![z, z, z, (1.0, 0.0)],
        ),
        ("qreg q[1];\nsx q[0];\n", vec![(0.5, 0.5), (0.5, -0.5)]),
        ("qreg q[1];\nrz(pi/2) q[0];\n", vec![(R, -R), z]),
        (
            "qreg q[1];\nU(pi/2, 0, pi) q[0];\n",
            vec![(R, 0.0), (R, 0.0)],
        ),
        (
            "qreg q[2];\nx q;\ncp(pi/2) q[0], q[1];\n",
            vec![z, z, z, (0.0, 1.0)],
        ),
        (
            "qreg q[2];\nrzz(pi) q[0], q[1];\n",
            vec![(0.0, -1.0), z, z, z],
        ),
        (
            "qreg q[3];\nx q[0];\nx q[1];\nccx q[0], q[1], q[2];\n",
            vec![z, z, z, z, z, z, z, (1.0, 0.0)],
        ),
        (
            "qreg q[3];\nx q[0];\nx q[1];\ncswap q[0], q[1], q[2];\n",
            vec![z, z, z, z, z, (1.0, 0.0), z, z],
        ),
        (
            "gate bell(t) a, b { h a; cx a, b; rz(2*t) b; }\nqreg q[2];\nbell(pi/4) q[0], q[1];\n",
            vec![(0.5, -0.5), z, z, (0.5, 0.5)],
        ),
        (
            "qreg q[2];\ncreg c[2];\nh q[0];\nbarrier q;\nmeasure q -> c;\n",
            vec![(R, 0.0), (R, 0.0), z, z],
        ),
    ];
    for (body, want) in cases {
        assert_amplitudes(&program(body), want);
    }
}

#[test]
fn literals_keep_full_precision() {
    let theta = 0.123_456_789_012_345_67_f64;
    let report = simulate_source(
        &program(&format!("qreg q[1];\nry({theta:?}) q[0];\n")),
        None,
    )
    .expect("valid");
    let amps = amplitudes(&report);
    assert!((amps[1].0 - (theta / 2.0).sin()).abs() < 1e-16, "{amps:?}");
    let sum = simulate_source(
        &program("qreg q[1];\r\nry(1e-3 + 2.5E-1*4 - .5 + 0.) q[0];\n"),
        None,
    )
    .expect("valid");
    assert!((amplitudes(&sum)[1].0 - (0.501_f64 / 2.0).sin()).abs() < 1e-15);
}

#[test]
fn probabilities_and_noise() {
    let source = program("qreg q[2];\nh q[0];\ncx q[0], q[1];\n");
    let clean = simulate_source(&source, None).expect("valid");
    assert_eq!(clean["num_qubits"], 2);
    assert!(clean.get("state_fidelity").is_none());
    let probs = numbers(&clean["probabilities"]);
    assert!((probs[0] - 0.5).abs() < EPS && (probs[3] - 0.5).abs() < EPS);
    let (p1, p2) = (0.1, 0.2);
    let noisy = simulate_source(&source, Some((p1, p2))).expect("valid");
    // After H: F = 1 − p1/2. The CNOT keeps it; its channel mixes in I/4,
    // whose overlap with the Bell state is 1/4.
    let want = (1.0 - p2) * (1.0 - p1 / 2.0) + p2 / 4.0;
    let f = noisy["state_fidelity"].as_f64().expect("fidelity");
    assert!((f - want).abs() < EPS, "{f} vs {want}");
    for q in numbers(&noisy["qubit_fidelities"]) {
        assert!(q >= f - EPS && q <= 1.0 + EPS, "{q}");
    }
    let noisy_probs = numbers(&noisy["noisy_probabilities"]);
    assert!((noisy_probs.iter().sum::<f64>() - 1.0).abs() < EPS);
    assert!(noisy_probs[1] > 0.0);
}

#[test]
fn errors_name_their_line() {
    let cases: &[(&str, usize, &str)] = &[
        ("qreg q[2];\nh q[0]\ncx q[0], q[1];\n", 5, "unexpected"),
        ("qreg q[2];\nfoo q[0];\n", 4, "undefined gate `foo`"),
        ("qreg q[2];\n\ncx q[0];\n", 5, "takes 2 qubit(s), got 1"),
        ("qreg q[2];\nrx q[0];\n", 4, "parameter"),
        ("qreg q[2];\nh r[0];\n", 4, "undefined register"),
        ("qreg q[2];\nh q[7];\n", 4, "out of range"),
        ("qreg q[1];\nreset q[0];\n", 4, "reset"),
        (
            "qreg q[1];\ncreg c[1];\nif(c==1) x q[0];\n",
            5,
            "not supported",
        ),
        (
            "qreg q[1];\ncreg c[1];\nmeasure q[0] -> c[0];\nh q[0];\n",
            6,
            "after it was measured",
        ),
        ("qreg q[2];\ncx q[0], q[0];\n", 4, "twice"),
        ("qreg q[1];\nrx(1/0) q[0];\n", 4, "finite"),
        ("opaque magic a;\nqreg q[1];\nmagic q[0];\n", 5, "opaque"),
    ];
    for (body, line, text) in cases {
        let (got, message) = error_line(&program(body), None);
        assert_eq!(got, *line, "{body}: {message}");
        assert!(message.contains(text), "{body}: {message}");
        assert!(message.starts_with(&format!("line {line}:")), "{message}");
    }
    let (line, message) = error_line(
        &program("qreg q[3];\nh q[0];\nccx q[0], q[1], q[2];\n"),
        Some((0.1, 0.1)),
    );
    assert_eq!(line, 5, "{message}");
    assert!(message.contains("3-qubit"), "{message}");
    let own_cx = "OPENQASM 2.0;\nopaque cx a;\nqreg q[1];\ncx q[0];\n";
    let (line, message) = error_line(own_cx, None);
    assert_eq!(line, 4, "{message}");
    assert!(
        message.contains("takes 0 parameter(s) and 2 qubit(s)"),
        "{message}"
    );
    let doubling = (0..30)
        .map(|k| format!("gate g{} a {{ g{k} a; g{k} a; }}\n", k + 1))
        .collect::<String>();
    let source = format!("gate g0 a {{ x a; }}\n{doubling}qreg q[1];\ng30 q[0];\n");
    let (line, message) = error_line(&program(&source), None);
    assert_eq!(line, 35, "{message}");
    assert!(message.contains("expands to more than"), "{message}");
    let (line, message) = error_line("OPENQASM 2.0;\ninclude \"other.inc\";\n", None);
    assert_eq!(line, 2, "{message}");
}

#[test]
fn rejects_bad_noise() {
    let source = program("qreg q[1];\nh q[0];\n");
    for noise in [(-0.1, 0.0), (0.0, 1.1), (f64::NAN, 0.0), (1.4, 0.0)] {
        assert!(matches!(
            simulate_source(&source, Some(noise)),
            Err(QasmError::Noise(_))
        ));
    }
    assert_eq!(parse_noise("0.01, 0.02").expect("valid"), (0.01, 0.02));
    assert!(parse_noise("0.01").is_err());
    assert!(parse_noise("a,b").is_err());
}

#[test]
fn files_and_relative_includes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = dir.path().join("mine.inc");
    std::fs::write(&lib, "gate flip a { x a; }\n").expect("write");
    let main = dir.path().join("main.qasm");
    std::fs::write(
        &main,
        program("include \"mine.inc\";\nqreg q[1];\nflip q[0];\n"),
    )
    .expect("w");
    let report = simulate_file(&main, None).expect("valid");
    assert_eq!(amplitudes(&report), vec![(0.0, 0.0), (1.0, 0.0)]);
    let missing = simulate_file(&dir.path().join("absent.qasm"), None);
    assert!(matches!(missing, Err(QasmError::Io { .. })));
}
