"""Gradient descent on a deep linear network, in numpy: the dln-train staircase, independently.

Loss ½‖W_L ⋯ W₁ − T‖²_F with T = diag(s), every layer starting at ε I (balanced, task-aligned).
Records loss and the singular values of W_eff at t = η · step, and each mode's escape: the time
η · step of the first step with σ_α ≥ s_α / 2, as dln-train reports it for gradient descent.
"""
import numpy as np

import saddle_lab as lab

p = lab.params()
s = np.array(sorted(p["targetSingularValues"], reverse=True), dtype=float)
n, depth, eta = len(s), p["depth"], p["learningRate"]
target = np.diag(s)
layers = [p["initScale"] * np.eye(n) for _ in range(depth)]
steps = int(round(p["horizon"] / eta))


def product(ws):
    out = np.eye(n)
    for w in ws:
        out = w @ out
    return out


escaped = [None] * n
below = None  # modes that start under their level; the others have no escape
for step in range(steps + 1):
    t = eta * step
    w_eff = product(layers)
    residual = w_eff - target
    sigma = np.linalg.svd(w_eff, compute_uv=False)
    lab.log(t, loss=0.5 * float(np.sum(residual * residual)), **{f"sigma/{a}": float(sigma[a]) for a in range(n)})
    if below is None:
        below = sigma < s / 2
    for a in range(n):
        half = s[a] / 2
        if escaped[a] is None and below[a] and half <= sigma[a]:
            escaped[a] = t
            lab.event("escape", t, half)
    if not np.all(np.isfinite(w_eff)):
        lab.diverged(f"W_eff became non-finite at t = {t}")
    if step == steps:
        break
    # dℓ/dW_l = (W_L ⋯ W_{l+1})ᵀ (W_eff − T) (W_{l−1} ⋯ W_1)ᵀ
    grads = [product(layers[l + 1:]).T @ residual @ product(layers[:l]).T for l in range(depth)]
    layers = [w - eta * g for w, g in zip(layers, grads)]
    lab.progress(step / steps)

lab.summary(escapeTimes=escaped, finalLoss=0.5 * float(np.sum(residual * residual)))
