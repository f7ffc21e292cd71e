#!/usr/bin/env python3
"""Compare the QuantumLock quantum engine with Qiskit Aer.

Two sub-commands:

* ``correctness CMD...``: random OpenQASM 2.0 circuits, simulated by ``CMD...
  FILE [--noise P1,P2]`` (``target/release/examples/simulate`` or
  ``target/release/quantumlock simulate``) and by Aer; amplitudes must agree
  to 1e-10 and fidelities/probabilities to 1e-9.
* ``timing``: times Aer, single-threaded, on the benchmark circuits of
  ``crates/quantum/benches`` and joins the result with Criterion's estimates.
"""

import argparse
import json
import math
import os
import platform
import random
import subprocess
import sys
import tempfile
import time

import numpy as np
from qiskit import QuantumCircuit, qasm2, transpile
from qiskit.quantum_info import DensityMatrix, partial_trace, state_fidelity
from qiskit_aer import AerSimulator
from qiskit_aer.noise import NoiseModel, depolarizing_error

ONE_QUBIT = {
    # name: number of angle parameters
    "h": 0, "x": 0, "y": 0, "z": 0, "s": 0, "sdg": 0, "t": 0, "tdg": 0,
    "sx": 0, "sxdg": 0, "id": 0, "rx": 1, "ry": 1, "rz": 1, "p": 1, "u1": 1,
    "u2": 2, "u3": 3, "u": 3,
}
TWO_QUBIT = {"cx": 0, "cy": 0, "cz": 0, "swap": 0, "cp": 1, "cu1": 1, "rxx": 1, "rzz": 1}
# Gates Aer's density-matrix method lacks natively; used in noiseless runs only.
TWO_QUBIT_EXTRA = {"ch": 0, "csx": 0, "crx": 1, "cry": 1, "crz": 1, "cu3": 3, "cu": 4}
MULTI_QUBIT = {"ccx": 3, "cswap": 3, "rccx": 3, "rc3x": 4, "c3x": 4, "c3sqrtx": 4, "c4x": 5}


def random_circuit(rng, width, depth, noisy):
    """A random circuit over the qelib1 gates as an OpenQASM 2.0 string."""
    two = dict(TWO_QUBIT) if noisy else {**TWO_QUBIT, **TWO_QUBIT_EXTRA}
    multi = {} if noisy else {k: v for k, v in MULTI_QUBIT.items() if v <= width}
    lines = ['OPENQASM 2.0;', 'include "qelib1.inc";', f"qreg q[{width}];"]
    for _ in range(depth):
        kind = rng.random()
        if width >= 3 and multi and kind < 0.1:
            name = rng.choice(sorted(multi))
            qubits, params = rng.sample(range(width), multi[name]), []
        elif width >= 2 and kind < 0.45:
            name = rng.choice(sorted(two))
            qubits, params = rng.sample(range(width), 2), [rng.uniform(-7, 7) for _ in range(two[name])]
        else:
            name = rng.choice(sorted(ONE_QUBIT))
            qubits = [rng.randrange(width)]
            params = [rng.uniform(-7, 7) for _ in range(ONE_QUBIT[name])]
        args = ", ".join(f"q[{q}]" for q in qubits)
        text = f"({', '.join(repr(p) for p in params)})" if params else ""
        lines.append(f"{name}{text} {args};")
    return "\n".join(lines) + "\n"


def ours(command, path, noise):
    cmd = list(command) + [path] + (["--noise", f"{noise[0]!r},{noise[1]!r}"] if noise else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def aer_statevector(qc):
    sim = AerSimulator(method="statevector", max_parallel_threads=1)
    qc = qc.copy()
    qc.save_statevector()
    result = sim.run(transpile(qc, sim, optimization_level=0)).result()
    return np.asarray(result.get_statevector())


def aer_density(qc, p1, p2):
    model = NoiseModel()
    model.add_all_qubit_quantum_error(depolarizing_error(p1, 1), sorted(ONE_QUBIT))
    model.add_all_qubit_quantum_error(depolarizing_error(p2, 2), sorted(TWO_QUBIT))
    sim = AerSimulator(method="density_matrix", noise_model=model, max_parallel_threads=1)
    qc = qc.copy()
    qc.save_density_matrix()
    # Level 0 keeps every gate as written, so each one draws its own channel.
    result = sim.run(transpile(qc, sim, optimization_level=0)).result()
    return np.asarray(result.data(0)["density_matrix"])


def reduced_det_from_pure(psi, width, q):
    """det of qubit q's reduced state, by the Lagrange identity (no cancellation)."""
    amps = np.asarray(psi).reshape([2] * width)  # axis k is qubit width-1-k
    axis = width - 1 - q
    a = np.take(amps, 0, axis=axis).ravel()
    b = np.take(amps, 1, axis=axis).ravel()
    cross = np.outer(a, b) - np.outer(b, a)
    return 0.5 * float(np.sum(np.abs(cross) ** 2))


def qubit_fidelity(rho_q, sigma_q, det_sigma):
    """Closed-form qubit Uhlmann fidelity Tr(ρσ) + 2·sqrt(det ρ · det σ)."""
    det_rho = max(0.0, float(np.real(np.linalg.det(rho_q))))
    return float(np.real(np.trace(rho_q @ sigma_q))) + 2 * math.sqrt(det_rho * max(det_sigma, 0.0))


def compare_one(command, rng, index, workdir):
    width = rng.randint(1, 6)
    noisy = index % 2 == 1
    source = random_circuit(rng, width, rng.randint(5, 40), noisy)
    path = os.path.join(workdir, f"c{index}.qasm")
    with open(path, "w") as f:
        f.write(source)
    qc = QuantumCircuit.from_qasm_str(source)
    psi = aer_statevector(qc)
    noise = (rng.uniform(0, 0.05), rng.uniform(0, 0.1)) if noisy else None
    got = ours(command, path, noise)
    amps = np.array([complex(re, im) for re, im in got["statevector"]])
    errors = {"amplitude": float(np.max(np.abs(amps - psi)))}
    if noise:
        rho = aer_density(qc, *noise)
        fid = float(np.real(np.conj(psi) @ rho @ psi))
        errors["state_fidelity"] = abs(got["state_fidelity"] - fid)
        errors["noisy_probabilities"] = float(
            np.max(np.abs(np.array(got["noisy_probabilities"]) - np.real(np.diag(rho)))))
        ideal = DensityMatrix(psi)
        noisy_dm = DensityMatrix(rho)
        worst, qiskit_gap = 0.0, 0.0
        for q in range(width):
            others = [k for k in range(width) if k != q]
            rho_q = partial_trace(noisy_dm, others)
            sigma_q = partial_trace(ideal, others)
            want = qubit_fidelity(rho_q.data, sigma_q.data, reduced_det_from_pure(psi, width, q))
            worst = max(worst, abs(got["qubit_fidelities"][q] - want))
            # Qiskit's sqrtm-based value carries ~1e-9 noise near pure states.
            qiskit = state_fidelity(rho_q, sigma_q, validate=False)
            qiskit_gap = max(qiskit_gap, abs(got["qubit_fidelities"][q] - qiskit))
        errors["qubit_fidelities"] = worst
        errors["qubit_fidelities_vs_qiskit_sqrtm"] = qiskit_gap
    return width, noisy, errors


def correctness(args):
    rng = random.Random(args.seed)
    limits = {"amplitude": 1e-10, "state_fidelity": 1e-9, "noisy_probabilities": 1e-9,
              "qubit_fidelities": 1e-9, "qubit_fidelities_vs_qiskit_sqrtm": 1e-7}
    worst = {k: 0.0 for k in limits}
    failures = 0
    with tempfile.TemporaryDirectory() as workdir:
        for i in range(args.circuits):
            width, noisy, errors = compare_one(args.simulator, rng, i, workdir)
            for key, err in errors.items():
                worst[key] = max(worst[key], err)
                if not err <= limits[key]:
                    failures += 1
                    print(f"circuit {i} ({width} qubits, noisy={noisy}): {key} off by {err:.3e}")
    summary = {"circuits": args.circuits, "worst": worst, "limits": limits, "failures": failures}
    print(json.dumps(summary, indent=2))
    passed = args.circuits if failures == 0 else 0
    print(f"{passed} passed, {args.circuits - passed} failed")
    return 1 if failures else 0


def layered(width, layers=10):
    """RY and RZ on every qubit then a CNOT ladder, `layers` times."""
    qc = QuantumCircuit(width)
    for layer in range(layers):
        for q in range(width):
            qc.ry(bench_angle(layer, q, 0), q)
            qc.rz(bench_angle(layer, q, 1), q)
        for q in range(width - 1):
            qc.cx(q, q + 1)
    return qc


def bench_angle(layer, qubit, which):
    """Must match `angle` in crates/quantum/benches/engine.rs."""
    return 0.1 + 0.37 * layer + 0.11 * qubit + 0.5 * which


def time_aer(sim, qc, repeats):
    circuit = transpile(qc, sim, optimization_level=0)
    wall, inner = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        result = sim.run(circuit).result()
        wall.append(time.perf_counter() - start)
        inner.append(result.results[0].time_taken)
    return min(wall), min(inner)


def criterion_estimate(root, group, bench_id):
    path = os.path.join(root, group, bench_id, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"] / 1e9
    except OSError:
        return None


def timing(args):
    rows = []
    opts = dict(max_parallel_threads=1, max_parallel_experiments=1, max_parallel_shots=1)
    for width in args.sv_qubits:
        qc = layered(width)
        qc.save_statevector()
        sim = AerSimulator(method="statevector", **opts)
        repeats = 1 if width >= 24 else args.repeats
        wall, inner = time_aer(sim, qc, repeats)
        rows.append(("statevector", width, wall, inner,
                     criterion_estimate(args.criterion, "statevector_layered", str(width))))
    for width in args.dm_qubits:
        qc = layered(width)
        qc.save_density_matrix()
        model = NoiseModel()
        model.add_all_qubit_quantum_error(depolarizing_error(0.001, 1), ["ry", "rz"])
        model.add_all_qubit_quantum_error(depolarizing_error(0.01, 2), ["cx"])
        sim = AerSimulator(method="density_matrix", noise_model=model, **opts)
        wall, inner = time_aer(sim, qc, args.repeats)
        rows.append(("density_noisy", width, wall, inner,
                     criterion_estimate(args.criterion, "density_noisy_layered", str(width))))
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "rows": [dict(zip(["case", "qubits", "aer_wall_s", "aer_internal_s", "ours_s"], r))
                 for r in rows],
        "signature_s": criterion_estimate(args.criterion, "license_fingerprint", "v1"),
    }
    print(json.dumps(report, indent=2))
    print("| case | qubits | ours (s) | Aer internal (s) | Aer wall (s) | ours / Aer internal |")
    print("|---|---|---|---|---|---|")
    for case, width, wall, inner, mine in rows:
        ratio = f"{mine / inner:.3f}" if mine else "n/a"
        mine_text = f"{mine:.4g}" if mine else "n/a"
        print(f"| {case} | {width} | {mine_text} | {inner:.4g} | {wall:.4g} | {ratio} |")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("correctness")
    c.add_argument("simulator", nargs="+", help="command to run, e.g. quantumlock simulate")
    c.add_argument("--circuits", type=int, default=40)
    c.add_argument("--seed", type=int, default=2026)
    t = sub.add_parser("timing")
    t.add_argument("--criterion", default="target/criterion")
    t.add_argument("--sv-qubits", type=int, nargs="*", default=[12, 16, 20, 24])
    t.add_argument("--dm-qubits", type=int, nargs="*", default=[6, 8, 10])
    t.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    return correctness(args) if args.command == "correctness" else timing(args)


if __name__ == "__main__":
    sys.exit(main())
