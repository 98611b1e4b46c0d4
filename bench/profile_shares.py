#!/usr/bin/env python3
"""Where a benchmark's cycles go, by what the code does (the README's profile table).

    perf record -o perf.data .build/release/bench --models a --windows 3
    python3 bench/profile_shares.py perf.data

Reads `perf report --sort dso,symbol` and sums the shares of the symbols matching each category;
the data loading before the timed steps is left out and the rest renormalised.
"""
import subprocess, sys, re, collections
out = subprocess.run(["perf", "report", "-i", sys.argv[1], "--no-children", "--sort", "dso,symbol", "--stdio"],
                     capture_output=True, text=True).stdout
rules = [("GEMM kernel", r"sgemm_kernel"), ("BLAS zeroing (beta = 0)", r"sgemm_beta"),
         ("BLAS packing", r"sgemm_.*copy"), ("Adam", r"adamStep"),
         ("fused loss", r"elementwiseLoss|fusedLossPass"),
         ("bias + activation, forward and backward", r"addBiasAndActivate|applyUnaryDerivative|UnaryFunction|sumRows"),
         ("im2col / col2im / phase planes", r"im2col|col2im|Phase|phase|splitPairs|mergePairs|ImagePlane|TapBlocks|sumTap"),
         ("data loading (setup)", r"IDXReader|crc32|inflate|readImages|libz"),
         ("operating system (scheduling, page faults)", r"\[k\]"),
         ("memory copies", r"memmove|memcpy|memset")]
shares = collections.Counter()
for line in out.splitlines():
    m = re.match(r"\s+([\d.]+)%\s+(\S+)\s+(\[.\])\s+(.*)", line)
    if not m: continue
    pct, kind, sym = float(m.group(1)), m.group(3), m.group(2) + " " + m.group(4)
    for name, pattern in rules:
        if re.search(pattern, kind + " " + sym): shares[name] += pct; break
    else: shares["other"] += pct
setup = shares.pop("data loading (setup)", 0.0)
total = sum(shares.values())
print(f"(data loading, outside the timed steps: {setup:.1f} % of the profile; shares below exclude it)")
for name, pct in shares.most_common(): print(f"{100 * pct / total:6.1f} %  {name}")
