"""Baseline for the Fig. 2 bench: the same 125 escape-time solves with SciPy's solve_ivp (DOP853).

One mode of depth L (paper 000, eq. (2)): dσ/dt = L σ^(2−2/L) (σ* − σ), σ(0) = ε^L, σ* = 1, at the
mode-flow family's tolerances (rtol 1e-10, stop when |σ − σ*| ≤ 1e-3 σ*), with the escape time
(σ = σ*/2) located as an event. Only the solving is timed. Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

RTOL = 1e-10
DELTA = 1e-3


def solve(depth, eps):
    sigma0 = eps**depth
    rhs = lambda t, s: depth * np.abs(s) ** (2 - 2 / depth) * (1.0 - s)
    escape = lambda t, s: s[0] - 0.5
    converged = lambda t, s: abs(s[0] - 1.0) - DELTA
    converged.terminal = True
    result = solve_ivp(rhs, (0.0, 1e18), [sigma0], method="DOP853", rtol=RTOL, atol=1e-300 + sigma0 * 1e-12, events=[escape, converged])
    if result.status != 1:
        raise RuntimeError(f"L = {depth}, eps = {eps}: {result.message}")
    return result.t_events[0][0]


def main():
    depths = [2, 3, 4, 5, 6]
    scales = np.logspace(-2.3, -1, 25)
    best = float("inf")
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    for _ in range(repeats):
        t0 = time.perf_counter()
        escapes = [solve(depth, eps) for depth in depths for eps in scales]
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"seconds": best, "runs": len(escapes), "escape_L3_eps0.01": solve(3, 0.01)}))


if __name__ == "__main__":
    main()
