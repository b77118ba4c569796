"""Saddle Lab's helper for script families: the line protocol of docs/script-families.md.

Dependency-free (standard library only). Typical use:

    import saddle_lab as lab
    p = lab.params()                     # the run's parameters, defaults filled in
    for step in range(p["steps"]):
        lab.log(step, loss=loss, acc=acc)  # batched: one line per many points
        lab.progress(step / p["steps"])
    lab.summary(final_loss=loss)
    # the final status line ("done") is written at exit; an exception writes "failed"

On import, ``print`` is sent to stderr (kept with the run), because stdout carries the protocol.
"""

import atexit
import json
import os
import sys
import time

__all__ = ["params", "seed", "log", "event", "progress", "summary", "done", "diverged", "flush"]

_out = sys.stdout
sys.stdout = sys.stderr

_BATCH_POINTS = 4096
_BATCH_SECONDS = 0.1

_input = None
_series = {}
_pending = 0
_flushed_at = time.monotonic()
_last_progress = -1.0
_finished = False


def _read_input():
    global _input
    if _input is None:
        path = os.environ.get("SADDLE_PARAMS_FILE")
        if path:
            with open(path, encoding="utf-8") as handle:
                _input = json.load(handle)
        else:
            _input = json.loads(os.environ.get("SADDLE_PARAMS") or sys.stdin.read() or "{}")
    return _input


def params():
    """The run's parameters (a dict), as validated by the manifest's JSON Schema."""
    return dict(_read_input().get("params", {}))


def seed():
    """The run's seed (an int): seed your random generators with it."""
    return int(_read_input().get("seed", 0))


def _write(message):
    _out.write(json.dumps(message, separators=(",", ":")) + "\n")


def log(step, **metrics):
    """Records one point per metric at x = step. Points are sent in batches."""
    global _pending
    x = float(step)
    for name, value in metrics.items():
        xs, ys = _series.setdefault(name, ([], []))
        xs.append(x)
        ys.append(float(value))
        _pending += 1
    if _pending >= _BATCH_POINTS or time.monotonic() - _flushed_at > _BATCH_SECONDS:
        flush()


def event(metric, x, y=1.0):
    """A detected event (an escape, a plateau start) on a metric declared with style "points"."""
    flush()
    _write({"type": "event", "metric": metric, "x": float(x), "y": float(y)})


def flush():
    """Sends the points gathered so far (log does it by itself every few thousand points)."""
    global _pending, _flushed_at
    if _series:
        _write({"type": "points", "series": {name: {"x": xs, "y": ys} for name, (xs, ys) in _series.items()}})
        _series.clear()
    _pending = 0
    _flushed_at = time.monotonic()
    _out.flush()


def progress(fraction):
    """Fraction of the run done, in [0, 1]; only whole-percent changes are sent."""
    global _last_progress
    fraction = min(1.0, max(0.0, float(fraction)))
    if fraction - _last_progress >= 0.01 or fraction == 1.0 and _last_progress < 1.0:
        _last_progress = fraction
        flush()
        _write({"type": "progress", "fraction": fraction})


def summary(**values):
    """Scalars shown with the run (final loss, escape times); numbers, strings, None or lists of numbers.

    None is "no value"; a NaN or an infinity ends the run as diverged (the app's one rule for
    non-finite results), so send None for a value that does not exist.
    """
    _write({"type": "summary", "values": values})


def _finish(status, message=None):
    global _finished
    if _finished:
        return
    flush()
    line = {"type": "status", "status": status}
    if message:
        line["message"] = message
    _write(line)
    _out.flush()
    _finished = True


def done():
    """Ends the run as done (also written at exit when the script ends normally)."""
    _finish("done")


def diverged(message):
    """Ends the run as diverged (the numbers blew up): stored as such, not as a crash."""
    _finish("diverged", message)
    sys.exit(0)


_previous_hook = sys.excepthook


def _on_exception(kind, value, traceback):
    _finish("failed", f"{kind.__name__}: {value}" if str(value) else kind.__name__)
    _previous_hook(kind, value, traceback)


sys.excepthook = _on_exception
atexit.register(done)
