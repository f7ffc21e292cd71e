#!/usr/bin/env bash
# Times the quantum engine (Criterion) and Qiskit Aer on the same circuits on
# this machine, single-threaded, and checks `simulate` against Aer on random
# circuits. Aer comes from PyPI into a throwaway virtualenv.
#
#   benches/run.sh            full run, 24 qubits included (several minutes)
#   benches/run.sh --quick    skips the 24-qubit case
#
# QISKIT_VENV=/path reuses an existing virtualenv instead of a fresh one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

if [[ -n "${QISKIT_VENV:-}" ]]; then
    venv="$QISKIT_VENV"
else
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    venv="$scratch/venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "qiskit>=1.0" "qiskit-aer>=0.15" numpy
fi
"$venv/bin/python" -c 'import qiskit, qiskit_aer; print("qiskit", qiskit.__version__, "aer", qiskit_aer.__version__)'

# Single-threaded on both sides.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

cargo build --release -p quantumlock-qasm --example simulate
"$venv/bin/python" benches/qiskit_compare.py correctness target/release/examples/simulate --circuits 40

filter='.'
sv_qubits=(12 16 20 24)
if [[ $quick == 1 ]]; then
    filter='^(statevector_layered/(12|16|20)|density_noisy_layered/.*|license_fingerprint/.*)$'
    sv_qubits=(12 16 20)
fi
cargo bench -p quantumlock-quantum --bench engine -- --warm-up-time 1 --measurement-time 3 "$filter"
"$venv/bin/python" benches/qiskit_compare.py timing --criterion target/criterion \
    --sv-qubits "${sv_qubits[@]}" --dm-qubits 6 8 10
