"""This engine against PyTorch and JAX, side by side in one run: `make bench-peers`.

Alternates `.build/release/bench` and `bench/peers.py` for a number of rounds, so that the machine's
drift falls on all three alike, then prints the median samples/s of each program per model, the
median ratios, and (a) to (d)'s fraction of their GEMM-only bound, as a Markdown table and as JSON
lines. Run it from a Python that has torch, jax[cpu] and optax (the Makefile makes a throwaway venv);
the workbook never depends on it.

    python3 bench/compare.py [--rounds 3] [--models a,b,c,d] [--threads 2] [--bench .build/release/bench]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--models", default="a,b,c,d")
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--windows", type=int, default=5)
parser.add_argument("--bench", default=".build/release/bench")
arguments = parser.parse_args()
models = arguments.models.split(",")
here = os.path.dirname(os.path.abspath(__file__))


def json_lines(command):
    """The JSON lines a program prints; stops with its message if it fails."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"compare.py: {' '.join(command)} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


rates = {}      # (program, model) -> [samples/s per round]
fractions = {}  # model -> [GEMM-bound fraction per round]
sgemm = []
for round_index in range(arguments.rounds):
    print(f"round {round_index + 1} of {arguments.rounds}", file=sys.stderr, flush=True)
    for line in json_lines([arguments.bench, "--models", arguments.models, "--windows", str(arguments.windows)]):
        rates.setdefault(("engine", line["model"]), []).append(line["samples_per_second"])
        fractions.setdefault(line["model"], []).append(line.get("gemm_bound_fraction", 0))
        sgemm.append(line.get("sgemm_gflops", 0))
    for line in json_lines([sys.executable, os.path.join(here, "peers.py"), "--models", arguments.models,
                            "--threads", str(arguments.threads), "--windows", str(arguments.windows)]):
        rates.setdefault((line["peer"], line["model"]), []).append(line["samples_per_second"])


def median(program, model):
    values = rates.get((program, model), [])
    return statistics.median(values) if values else float("nan")


def ratio(model, peer):
    """Median over rounds of the per-round ratio engine / peer (both ran in the same round)."""
    pairs = zip(rates.get(("engine", model), []), rates.get((peer, model), []))
    values = [ours / theirs for ours, theirs in pairs if theirs > 0]
    return statistics.median(values) if values else float("nan")


import torch, jax  # noqa: E402  (only for their versions, after the runs)
print(f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {arguments.threads} threads; "
      f"torch {torch.__version__}, jax {jax.__version__}; {arguments.rounds} alternating rounds, medians; "
      f"sgemm 1024³ median {statistics.median(sgemm):.0f} GFLOP/s\n")
print("| model | this engine | PyTorch | JAX | vs PyTorch | vs JAX | of GEMM bound |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for model in models:
    print(f"| ({model}) | {median('engine', model):,.0f} | {median('pytorch', model):,.0f} | {median('jax', model):,.0f} "
          f"| {ratio(model, 'pytorch'):.2f}× | {ratio(model, 'jax'):.2f}× "
          f"| {100 * statistics.median(fractions.get(model, [float('nan')])):.0f} % |".replace(",", " "))
for model in models:
    print(json.dumps({"model": model, "engine": median("engine", model), "pytorch": median("pytorch", model),
                      "jax": median("jax", model), "vs_pytorch": round(ratio(model, "pytorch"), 3),
                      "vs_jax": round(ratio(model, "jax"), 3)}))
