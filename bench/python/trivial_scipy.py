"""Peer of the per-run overhead bench: a Python loop calling SciPy once per run of a sweep.

Each "run" is the mode flow of one mode (depth 3, σ* = 1, σ(0) = ε³) over t ∈ [0, 10⁻³] with solve_ivp
(DOP853, rtol 1e-10): a run so short that what is measured is the cost of one call. Prints one JSON
line: CPU seconds per call (time.process_time, after a warm-up of a tenth of the calls) and the
process's peak resident set in KiB (the memory bench compares it at 1000 and 4000 calls).
"""
import json
import resource
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp


def run(eps):
    sigma0 = eps**3
    rhs = lambda t, s: 3 * np.abs(s) ** (4 / 3) * (1.0 - s)
    return solve_ivp(rhs, (0.0, 1e-3), [sigma0], method="DOP853", rtol=1e-10, atol=1e-300 + sigma0 * 1e-12).y[0, -1]


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    scales = np.logspace(-2, -1, calls)
    for eps in scales[: max(1, calls // 10)]:
        run(eps)
    t0 = time.process_time()
    for eps in scales:
        run(eps)
    seconds = (time.process_time() - t0) / calls
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"secondsPerCall": seconds, "calls": calls, "maxRssKb": peak_kb}))


if __name__ == "__main__":
    main()
