"""numpy peers of the bench's training loops, written as a numpy user would write them.

Usage: numpy_peers.py SECTION STEPS [ARGS...]; prints one JSON line with the CPU seconds per step (time.process_time,
after a warm-up of a tenth of the steps) and the loss at the end, for the caller to check against its own loop.

  steepest STEPS                 Gram form of paper 003's regression (n = 100, k = 300, L = 3, sign descent, η = 1e-4):
                                 h = A x − b with A = ZᵀZ/k, b = Zᵀy/k, every layer's gradient h ⊙ Π_{j≠i} w_j.
  dln-train STEPS D DEPTH        full-batch GD on ½‖W_L⋯W₁ − T‖²_F (d × d layers, η = 1e-6): W_eff, G, 3(L − 1) products.
  dln-train-records STEPS D DEPTH RECORDS
                                 dln-train's recorded metrics at d ≤ 512, timed per record on top of the steps above
                                 (as `secondsPerRecord`): all singular values of W_eff (nuclear norm, Σσ^{2/L},
                                 effective rank), the balance defects and drift, the weight distance and, up to d = 256,
                                 the tangent-kernel distance from its factors. No singular vectors (favourable to numpy:
                                 the engine's records also find the target modes' vectors for the alignment).
  multipath-reduced STEPS        the reduced recursion (4 modes, P = 2 paths, L = 3), GD η = 0.75.
  multipath-full STEPS           full-matrix GD, d = 4, P = 2, L = 3, linear, η = 0.1.

The caller sets OPENBLAS_NUM_THREADS=1 (single-threaded like the engine) and unsets OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE, so OpenBLAS picks its own kernel for this CPU.
"""
import json
import sys
import time

import numpy as np


def timed(step, steps):
    for _ in range(max(1, steps // 10)):
        step()
    t0 = time.process_time()
    loss = 0.0
    for _ in range(steps):
        loss = step()
    return (time.process_time() - t0) / steps, loss


def prefix_products(layers):
    """[W₁, W₂W₁, …, W_L⋯W₁]: the forward products of a chain of layers."""
    prefix = [layers[0]]
    for w in layers[1:]:
        prefix.append(w @ prefix[-1])
    return prefix


def descend(layers, prefix, g, eta):
    """One gradient step of every layer of the chain, given g = ∂loss/∂(W_L⋯W₁):
    ∂loss/∂W_l = (W_L⋯W_{l+1})ᵀ g (W_{l−1}⋯W₁)ᵀ, all taken before any layer moves."""
    m = g
    grads = [None] * len(layers)
    for l in range(len(layers) - 1, 0, -1):
        grads[l] = m @ prefix[l - 1].T
        m = layers[l].T @ m
    grads[0] = m
    for w, gw in zip(layers, grads):
        w -= eta * gw


def gd_step(layers, target, eta):
    """One full-batch GD step of ½‖W_L⋯W₁ − target‖², the loss before it."""
    prefix = prefix_products(layers)
    g = prefix[-1] - target
    loss = 0.5 * np.sum(g * g)
    descend(layers, prefix, g, eta)
    return float(loss)


def steepest(steps):
    n, k, depth, eta = 100, 300, 3, 1e-4
    rng = np.random.default_rng(0)
    z = rng.standard_normal((k, n))
    x_star = np.zeros(n)
    x_star[:5] = 1.0
    y = z @ x_star
    a, b, c0 = z.T @ z / k, z.T @ y / k, y @ y / (2 * k)
    w = np.full((depth, n), 0.1)
    w[0] = 0.0

    def step():
        x = w[0] * w[1] * w[2]
        h = a @ x - b
        loss = max(0.0, 0.5 * (x @ h) - 0.5 * (b @ x) + c0)
        grads = h * np.stack((w[1] * w[2], w[0] * w[2], w[0] * w[1]))
        w[:] -= eta * np.sign(grads)
        return loss

    return timed(step, steps)


def dln_train(steps, d, depth):
    eta = 1e-6
    rng = np.random.default_rng(3)
    target = rng.standard_normal((d, d))
    layers = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(depth)]

    return timed(lambda: gd_step(layers, target, eta), steps)


def kernel_factors(layers):
    """A_l = S_lS_lᵀ, B_l = P_lᵀP_l (S_l = W_L⋯W_{l+1}, P_l = W_{l−1}⋯W₁; None for the identity)."""
    depth = len(layers)
    right, prefix = [None], layers[0]
    for l in range(1, depth):
        right.append(prefix.T @ prefix)
        if l + 1 < depth:
            prefix = layers[l] @ prefix
    left, suffix = [None] * depth, layers[-1]
    for l in range(depth - 2, -1, -1):
        left[l] = suffix @ suffix.T
        if l > 0:
            suffix = suffix @ layers[l]
    return left, right


def trace_of_product(x, y, n):
    if x is not None and y is not None:
        return float(np.sum(x * y))
    if x is not None or y is not None:
        return float(np.trace(x if x is not None else y))
    return float(n)


def kernel_inner(a, b, n0, n_l):
    return sum(trace_of_product(a[0][l], b[0][m], n_l) * trace_of_product(a[1][l], b[1][m], n0) for l in range(len(a[0])) for m in range(len(b[0])))


def dln_train_records(steps, d, depth, records):
    eta = 1e-6
    rng = np.random.default_rng(3)
    target = rng.standard_normal((d, d))
    layers = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(depth)]
    initial = [w.copy() for w in layers]
    initial_balance = [initial[l + 1].T @ initial[l + 1] - initial[l] @ initial[l].T for l in range(depth - 1)]
    initial_norm = np.sqrt(sum(np.sum(w * w) for w in initial))
    initial_kernel = kernel_factors(initial) if d <= 256 else None
    initial_kernel_norm = np.sqrt(kernel_inner(initial_kernel, initial_kernel, d, d)) if initial_kernel else 0.0

    def record(weff):
        s = np.linalg.svd(weff, compute_uv=False)
        q = s / s.sum()
        metrics = [s.sum(), np.sum(s ** (2 / depth)), np.exp(-np.sum(q[q > 0] * np.log(q[q > 0])))]
        for l in range(depth - 1):
            dl = layers[l + 1].T @ layers[l + 1] - layers[l] @ layers[l].T
            metrics += [np.linalg.norm(dl), np.linalg.norm(dl - initial_balance[l])]
        metrics.append(np.sqrt(sum(np.sum((w - w0) ** 2) for w, w0 in zip(layers, initial))) / initial_norm)
        if initial_kernel:
            now = kernel_factors(layers)
            metrics.append(1 - kernel_inner(initial_kernel, now, d, d) / (initial_kernel_norm * np.sqrt(kernel_inner(now, now, d, d))))
        return float(metrics[0])

    seconds_per_step, loss = timed(lambda: gd_step(layers, target, eta), steps)
    # The engine's recorder is handed W_eff by the step that formed it: not part of a record here either.
    weff = prefix_products(layers)[-1]
    seconds_per_record, _ = timed(lambda: record(weff), records)
    return seconds_per_step, loss, seconds_per_record


def multipath_reduced(steps):
    targets = np.array([1.0, 0.5, 0.25, 0.1])
    depth, eta = 3, 0.75
    # w[k, p]: the common value of path p's L layer weights for mode k (the reduced model's state).
    w = np.tile(np.array([0.01, 0.009]), (len(targets), 1))

    def step():
        r = targets - np.sum(w**depth, axis=1)
        w[:] += eta * r[:, None] * w ** (depth - 1)
        return 0.5 * float(r @ r)

    return timed(step, steps)


def multipath_full(steps):
    d, paths, depth, eta = 4, 2, 3, 0.1
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    target = q @ np.diag([1.0, 0.5, 0.25, 0.1]) @ q.T
    layers = [[0.1 * rng.standard_normal((d, d)) for _ in range(depth)] for _ in range(paths)]

    def step():
        products = [prefix_products(path) for path in layers]
        g = sum(prefix[-1] for prefix in products) - target
        for path, prefix in zip(layers, products):
            descend(path, prefix, g, eta)
        return 0.5 * float(np.sum(g * g))

    return timed(step, steps)


def main():
    section, steps = sys.argv[1], int(sys.argv[2])
    if section == "steepest":
        seconds, loss = steepest(steps)
    elif section == "dln-train":
        seconds, loss = dln_train(steps, int(sys.argv[3]), int(sys.argv[4]))
    elif section == "dln-train-records":
        seconds, loss, per_record = dln_train_records(steps, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
        print(json.dumps({"secondsPerStep": seconds, "loss": loss, "numpy": np.__version__, "secondsPerRecord": per_record}))
        return
    elif section == "multipath-reduced":
        seconds, loss = multipath_reduced(steps)
    elif section == "multipath-full":
        seconds, loss = multipath_full(steps)
    else:
        raise SystemExit(f"unknown section {section!r}")
    print(json.dumps({"secondsPerStep": seconds, "loss": loss, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
