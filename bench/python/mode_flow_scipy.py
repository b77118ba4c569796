"""Peer of the Fig. 2 bench: the same 125 escape times with SciPy's solve_ivp (DOP853), solving only.

One mode of depth L (paper 000, eq. (2)): dσ/dt = L σ^(2−2/L) (σ* − σ), σ(0) = ε^L, σ* = 1, at the
mode-flow family's relative tolerance (rtol 1e-10), integrated to the escape event σ = σ*/2 (terminal:
what a user who wants Fig. 2's escape times would solve; the app's runs go on to convergence).
Prints one JSON line: the best CPU seconds (time.process_time) and wall seconds over the repeats.
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

RTOL = 1e-10


def solve(depth, eps):
    sigma0 = eps**depth
    rhs = lambda t, s: depth * np.abs(s) ** (2 - 2 / depth) * (1.0 - s)
    escape = lambda t, s: s[0] - 0.5
    escape.terminal = True
    result = solve_ivp(rhs, (0.0, 1e18), [sigma0], method="DOP853", rtol=RTOL, atol=1e-300 + sigma0 * 1e-12, events=[escape])
    if result.status != 1:
        raise RuntimeError(f"L = {depth}, eps = {eps}: {result.message}")
    return result.t_events[0][0]


def main():
    depths = [2, 3, 4, 5, 6]
    scales = np.logspace(-2.3, -1, 25)
    best_cpu = best_wall = float("inf")
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        escapes = [solve(depth, eps) for depth in depths for eps in scales]
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    print(json.dumps({"seconds": best_cpu, "wallSeconds": best_wall, "runs": len(escapes), "escape_L3_eps0.01": solve(3, 0.01)}))


if __name__ == "__main__":
    main()
