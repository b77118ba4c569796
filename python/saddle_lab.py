"""Saddle Lab's Python helper (standard library only): two ways into a project.

1. **Script families** (docs/script-families.md): Saddle Lab starts the script once per run and reads
   the line protocol on stdout.

    import saddle_lab as lab
    p = lab.params()                     # the run's parameters, defaults filled in
    for step in range(p["steps"]):
        lab.log(step, loss=loss, acc=acc)  # batched: one line per many points
        lab.progress(step / p["steps"])
    lab.summary(final_loss=loss)
    # the final status line ("done") is written at exit; an exception writes "failed"

   Run by Saddle Lab (``SADDLE_PARAMS`` is set), ``print`` is sent to stderr (kept with the run),
   because stdout carries the protocol. Run from a shell, ``params()`` reads the defaults of the
   ``saddle-family.json`` next to the script, overridden by ``--name value`` flags.

2. **W&B-style logging from any process** (docs/logging.md): ``import saddle_lab as wandb``.

    run = wandb.init(project="study.saddle", name="lr-0.1", config={"lr": 0.1}, tags=["baseline"])
    for step in range(100):
        wandb.log({"loss": loss, "acc": acc})
    wandb.summary["best_acc"] = best
    wandb.finish()

   Besides numbers, ``log`` takes text (str), ``wandb.Image(...)`` and ``wandb.Histogram(...)``.
   Each run appends one JSON line per call to a run log in ``<project>.runs/`` beside the project;
   Saddle Lab brings it in when it opens the project (the serve host watches the folder: the run
   appears live). A process that dies keeps every line it wrote; the run is then ``crashed``.
"""

import atexit
import hashlib
import json
import math
import os
import random
import re
import socket
import string
import struct
import sys
import time
import zlib

__all__ = [
    # script families
    "params", "seed", "log", "event", "progress", "summary", "done", "diverged", "flush",
    # W&B-style runs
    "init", "finish", "config", "run", "Run", "artifacts_dir", "Image", "Histogram",
]

# Started by Saddle Lab as a script-family run: stdout carries the line protocol.
_protocol_mode = "SADDLE_PARAMS" in os.environ or "SADDLE_PARAMS_FILE" in os.environ

_out = sys.stdout
if _protocol_mode:
    sys.stdout = sys.stderr

_BATCH_POINTS = 4096
_BATCH_SECONDS = 0.1

_input = None
_series = {}
_pending = 0
_flushed_at = time.monotonic()
_last_progress = -1.0
_finished = False
_warned_unrecorded = False


def _read_input():
    global _input
    if _input is None:
        path = os.environ.get("SADDLE_PARAMS_FILE")
        if path:
            with open(path, encoding="utf-8") as handle:
                _input = json.load(handle)
        elif "SADDLE_PARAMS" in os.environ:
            _input = json.loads(os.environ["SADDLE_PARAMS"] or "{}")
        else:
            _input = {"params": _shell_params(sys.argv[1:]), "seed": 0}
    return _input


def _manifest_path():
    """saddle-family.json next to the script that is running (else in the working folder)."""
    script = sys.argv[0] if sys.argv and sys.argv[0] not in ("", "-c") else ""
    folder = os.path.dirname(os.path.abspath(script)) if script else os.getcwd()
    return os.path.join(folder, "saddle-family.json")


def _shell_params(argv):
    """Run from a shell: the manifest's defaults, overridden by --name value (or --name=value) flags."""
    path = _manifest_path()
    if not os.path.exists(path):
        raise FileNotFoundError(f"saddle_lab.params(): not started by Saddle Lab and no manifest at {path} to read defaults from")
    with open(path, encoding="utf-8") as handle:
        properties = json.load(handle).get("params", {}).get("properties", {})
    values = {name: spec.get("default") for name, spec in properties.items()}
    # A parameter answers to --name and, for one written from an argparse parser, to its own flag.
    by_flag = {name: name for name in properties}
    by_flag.update({spec["argparse"]["option"].lstrip("-"): name for name, spec in properties.items() if "argparse" in spec})
    index = 0
    while index < len(argv):
        flag = argv[index]
        if not flag.startswith("--"):
            raise SystemExit(f"saddle_lab.params(): unexpected argument {flag!r} (flags are --name value)")
        name, has_value, text = flag[2:].partition("=")
        if name not in by_flag:
            raise SystemExit(f"saddle_lab.params(): unknown parameter --{name} (the manifest declares {', '.join(sorted(properties)) or 'none'})")
        name = by_flag[name]
        action = properties[name].get("argparse", {}).get("action", "store")
        if action != "store" and not has_value:
            values[name] = action == "store_true"
            index += 1
            continue
        if not has_value:
            if index + 1 >= len(argv):
                raise SystemExit(f"saddle_lab.params(): --{name} needs a value")
            index += 1
            text = argv[index]
        values[name] = _flag_value(name, properties[name], text)
        index += 1
    return values


def _flag_value(name, spec, text):
    kind = spec.get("type")
    if "enum" in spec:
        for option in spec["enum"]:
            if str(option) == text:
                return option
        raise SystemExit(f"saddle_lab.params(): --{name} must be one of {spec['enum']}, got {text!r}")
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind == "boolean":
            lowered = text.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return lowered in ("true", "1", "yes")
        if kind == "array":
            value = json.loads(text)
            if not isinstance(value, list):
                raise ValueError(text)
            return value
    except ValueError:
        raise SystemExit(f"saddle_lab.params(): --{name} must be {kind}, got {text!r}") from None
    return text


def params():
    """The run's parameters (a dict): validated by Saddle Lab, or from a shell the manifest's defaults and --flags."""
    return dict(_read_input().get("params", {}))


def seed():
    """The run's seed (an int): seed your random generators with it."""
    return int(_read_input().get("seed", 0))


def _write(message):
    _out.write(json.dumps(message, separators=(",", ":")) + "\n")


def log(*args, **kwargs):
    """Two forms. Script family: ``log(step, loss=…, acc=…)``, one point per metric at x = step.
    W&B: ``log({"loss": …}, step=None, commit=None)`` into the run ``init`` started."""
    if args and isinstance(args[0], dict):
        if run is None:
            raise RuntimeError("saddle_lab.log({...}): call saddle_lab.init(...) first")
        run.log(*args, **kwargs)
        return
    if len(args) != 1:
        raise TypeError("saddle_lab.log(step, **metrics) takes the step and metrics as keywords")
    step = args[0]
    if not _protocol_mode:
        _record_outside(step, kwargs)
        return
    _buffer_points(float(step), kwargs)


def _buffer_points(x, values):
    """Protocol mode: points wait in per-metric batches, sent when enough have come or some time has passed."""
    global _pending
    for name, value in values.items():
        xs, ys = _series.setdefault(name, ([], []))
        xs.append(x)
        ys.append(float(value))
        _pending += 1
    if _pending >= _BATCH_POINTS or time.monotonic() - _flushed_at > _BATCH_SECONDS:
        flush()


def _record_outside(step, metrics):
    """A family script run from a shell: its points go to the W&B-style run if one is started."""
    global _warned_unrecorded
    if run is not None:
        run.log(dict(metrics), step=int(step) if float(step).is_integer() else step)
    elif not _warned_unrecorded:
        _warned_unrecorded = True
        print("saddle_lab: not started by Saddle Lab and no run started (saddle_lab.init): points are not recorded", file=sys.stderr)


def event(metric, x, y=1.0):
    """A detected event (an escape, a plateau start) on a metric declared with style "points"."""
    if not _protocol_mode:
        _record_outside(x, {metric: y})
        return
    flush()
    _write({"type": "event", "metric": metric, "x": float(x), "y": float(y)})


def flush():
    """Sends the points gathered so far (log does it by itself every few thousand points)."""
    global _pending, _flushed_at
    if not _protocol_mode:
        return
    if _series:
        _write({"type": "points", "series": {name: {"x": xs, "y": ys} for name, (xs, ys) in _series.items()}})
        _series.clear()
    _pending = 0
    _flushed_at = time.monotonic()
    _out.flush()


def progress(fraction):
    """Fraction of the run done, in [0, 1]; only whole-percent changes are sent."""
    global _last_progress
    if not _protocol_mode:
        return
    fraction = min(1.0, max(0.0, float(fraction)))
    if fraction - _last_progress >= 0.01 or fraction == 1.0 and _last_progress < 1.0:
        _last_progress = fraction
        flush()
        _write({"type": "progress", "fraction": fraction})


def _family_summary(values):
    """Scalars shown with the run (final loss, escape times); numbers, strings, None or lists of numbers.

    None is "no value"; a NaN or an infinity ends the run as diverged (the app's one rule for
    non-finite results), so send None for a value that does not exist.
    """
    if _protocol_mode:
        _write({"type": "summary", "values": values})
    elif run is not None:
        run.summary.update(values)


def _finish(status, message=None):
    global _finished
    if _finished or not _protocol_mode:
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
    if run is not None:
        run.finish(exit_code=1, message=f"diverged: {message}")
    sys.exit(0)


# ── W&B-style runs ─────────────────────────────────────────────────────────────────────────────
# The common subset of wandb's API: init, log, config, summary, finish, run (with id, name, dir,
# project, tags, notes, config, summary, log, finish) and `with init(...) as run:`. Logged values
# are numbers (int, float, bool, numpy scalars), text (str), Image and Histogram; nested dicts
# become dotted names. Not offered: Table, Html, Audio, Video, artifacts, define_metric, sweeps,
# watch, alerts, resume.

_RUN_LOG_FORMAT = 1
# Every line is handed to the OS at once (a killed process loses nothing it logged); fsync at most
# once a second (and at finish), so a power cut loses at most the last second.
_FSYNC_SECONDS = 1.0
_IGNORED_INIT_ARGS = {"entity", "job_type", "save_code", "anonymous", "reinit", "settings", "mode", "dir", "allow_val_change"}


def _flatten(values, prefix=""):
    flat = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _number(name, value):
    """A logged value as JSON: a finite float, or "NaN" / "Infinity" / "-Infinity" (JSON has no such numbers)."""
    if type(value) is float and value - value == 0.0:
        return value
    if isinstance(value, (str, bytes)) or not hasattr(value, "__float__"):
        raise TypeError(f"saddle_lab.log: {name!r} is a {type(value).__name__}; numbers, text (str), Image and Histogram are logged")
    number = float(value)
    if math.isfinite(number):
        return number
    return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")


def _json_value(value):
    """Config and summary values as JSON can hold them (numpy scalars and arrays through tolist)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# ── Media: text, images, histograms (docs/logging.md) ──────────────────────────────────────────
# Bad input does not raise where the object is made: it fails only its key of the log call (the
# other values of the call are logged), with a message naming the field, on stderr and in the run log.

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MOST_BINS = 512
_MOST_TEXT_CHARS = 100_000


class _MediaError(ValueError):
    pass


class Image:
    """wandb.Image: a PNG file's path, PNG bytes, or (when numpy is importable) an array of pixels —
    H×W grey, H×W×3 RGB or H×W×4 RGBA; uint8 as is, floats scaled by 255 when at most 1 (as wandb
    does), then clipped to 0…255. Stored as <run.dir>/media/<key>/<step>.png."""

    def __init__(self, data_or_path, caption=None, **ignored):
        self.caption = None if caption is None else str(caption)
        self.png = None
        self.error = None
        try:
            self.png = _png_of(data_or_path)
        except _MediaError as error:
            self.error = f"Image: {error}"


def _png_of(data):
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if not os.path.isfile(path):
            raise _MediaError(f"data_or_path {path!r} does not exist")
        with open(path, "rb") as handle:
            png = handle.read()
        if not png.startswith(_PNG_SIGNATURE):
            raise _MediaError(f"data_or_path {path!r} is not a PNG file (only PNG is stored)")
        return png
    if isinstance(data, (bytes, bytearray)):
        if not bytes(data).startswith(_PNG_SIGNATURE):
            raise _MediaError("data_or_path: the bytes are not a PNG file (only PNG is stored)")
        return bytes(data)
    if hasattr(data, "shape") and hasattr(data, "dtype"):
        return _encode_png(data)
    raise _MediaError(f"data_or_path must be a path, PNG bytes or a numpy array, got {type(data).__name__}")


def _encode_png(array):
    """An array of pixels as an 8-bit PNG, with zlib from the standard library."""
    import numpy

    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or array.ndim == 3 and array.shape[2] not in (3, 4) or 0 in array.shape:
        raise _MediaError(f"data_or_path: an array of shape {tuple(array.shape)} is not H×W, H×W×3 or H×W×4 pixels")
    if array.dtype == numpy.bool_:
        pixels = array.astype(numpy.uint8) * 255
    elif array.dtype == numpy.uint8:
        pixels = array
    elif array.dtype.kind in "iuf":
        values = array.astype(numpy.float64)
        bad = numpy.argwhere(~numpy.isfinite(values))
        if len(bad):
            raise _MediaError(f"data_or_path[{', '.join(str(int(i)) for i in bad[0])}] is {values[tuple(bad[0])]}")
        if array.dtype.kind == "f" and values.max() <= 1.0:
            values = values * 255
        pixels = numpy.clip(numpy.rint(values), 0, 255).astype(numpy.uint8)
    else:
        raise _MediaError(f"data_or_path: arrays of {array.dtype} are not pixels")
    height, width = pixels.shape[:2]
    colour_type = 0 if pixels.ndim == 2 else (2 if pixels.shape[2] == 3 else 6)
    rows = numpy.ascontiguousarray(pixels).reshape(height, -1)
    # Each scanline starts with filter type 0 (none).
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return _PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


class Histogram:
    """wandb.Histogram: `sequence` binned into `num_bins` equal bins over its range (numpy's rule: the
    last bin includes its right edge; a range of one value is that value ± 0.5; a numpy array is
    binned by numpy.histogram itself), or np_histogram=(counts, edges) as numpy.histogram returns them."""

    def __init__(self, sequence=None, np_histogram=None, num_bins=64):
        self.counts = None
        self.edges = None
        self.error = None
        try:
            if np_histogram is not None:
                self.counts, self.edges = _checked_histogram(np_histogram)
            elif sequence is not None:
                self.counts, self.edges = _binned(sequence, num_bins)
            else:
                raise _MediaError("give a sequence or np_histogram=(counts, edges)")
        except _MediaError as error:
            self.error = f"Histogram: {error}"


def _floats(values, field):
    values = values.tolist() if hasattr(values, "tolist") else values
    try:
        return [float(value) for value in values]
    except (TypeError, ValueError):
        raise _MediaError(f"{field} must be a sequence of numbers") from None


def _binned(sequence, num_bins):
    if isinstance(num_bins, bool) or not isinstance(num_bins, int) or not 1 <= num_bins <= _MOST_BINS:
        raise _MediaError(f"num_bins must be an integer from 1 to {_MOST_BINS}, got {num_bins!r}")
    if hasattr(sequence, "shape") and hasattr(sequence, "dtype") and getattr(sequence.dtype, "kind", "") in "iuf":
        return _binned_by_numpy(sequence, num_bins)
    values = _floats(sequence, "sequence")
    if not values:
        raise _MediaError("sequence is empty")
    for index, value in enumerate(values):
        if not math.isfinite(value):
            raise _MediaError(f"sequence[{index}] is {value}")
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 0.5, high + 0.5
    edges = [low + (high - low) * i / num_bins for i in range(num_bins)] + [high]
    counts = [0] * num_bins
    for value in values:
        index = min(num_bins - 1, int((value - low) / (high - low) * num_bins))
        # Rounding may put a value next to its bin: the stored edges decide.
        while index > 0 and value < edges[index]:
            index -= 1
        while index < num_bins - 1 and value >= edges[index + 1]:
            index += 1
        counts[index] += 1
    return counts, edges


def _binned_by_numpy(array, num_bins):
    """A numpy array (a layer's weights: many values) is binned by numpy.histogram, the rule _binned follows."""
    import numpy

    values = numpy.asarray(array, dtype=numpy.float64).ravel()
    if values.size == 0:
        raise _MediaError("sequence is empty")
    bad = numpy.flatnonzero(~numpy.isfinite(values))
    if bad.size:
        raise _MediaError(f"sequence[{int(bad[0])}] is {values[bad[0]]}")
    counts, edges = numpy.histogram(values, bins=num_bins)
    return counts.tolist(), edges.tolist()


def _checked_histogram(np_histogram):
    try:
        counts, edges = np_histogram
    except (TypeError, ValueError):
        raise _MediaError("np_histogram must be a pair (counts, edges)") from None
    counts = _floats(counts, "np_histogram counts")
    edges = _floats(edges, "np_histogram edges")
    if not 1 <= len(counts) <= _MOST_BINS:
        raise _MediaError(f"np_histogram counts must have 1 to {_MOST_BINS} bins, got {len(counts)}")
    if len(edges) != len(counts) + 1:
        raise _MediaError(f"np_histogram edges must be one more than counts ({len(counts) + 1}), got {len(edges)}")
    for index, count in enumerate(counts):
        if not math.isfinite(count) or count < 0:
            raise _MediaError(f"np_histogram counts[{index}] is {count}; counts are finite and not negative")
    for index, edge in enumerate(edges):
        if not math.isfinite(edge):
            raise _MediaError(f"np_histogram edges[{index}] is {edge}")
        if index > 0 and edge <= edges[index - 1]:
            raise _MediaError(f"np_histogram edges must increase: edges[{index}] = {edge} after edges[{index - 1}] = {edges[index - 1]}")
    return [int(count) if count.is_integer() else count for count in counts], edges


_MEDIA_TYPES = (str, Image, Histogram)


def _media_file_name(key, step):
    """media/<key>/<step>.png, the key's characters kept where a file name allows them ('/' makes
    folders); a key that had to change gets a hash of itself, so "a b" and "a_b" keep apart."""
    parts = [re.sub(r"[^A-Za-z0-9._-]", "_", part) for part in key.split("/")]
    parts = ["_" if part in ("", ".", "..") else part for part in parts]
    if "/".join(parts) != key:
        parts[-1] += "-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    step_name = str(int(step)) if float(step).is_integer() else repr(float(step))
    return "/".join(["media", *parts, step_name + ".png"])


def _media_line(run_dir, key, step, value):
    """The run-log line of one media value; raises _MediaError naming the field."""
    if isinstance(value, str):
        if len(value) > _MOST_TEXT_CHARS:
            raise _MediaError(f"text of {len(value)} characters; at most {_MOST_TEXT_CHARS}")
        return {"type": "text", "step": step, "key": key, "text": value}
    if value.error:
        raise _MediaError(value.error)
    if isinstance(value, Histogram):
        return {"type": "histogram", "step": step, "key": key, "counts": value.counts, "edges": value.edges}
    name = _media_file_name(key, step)
    path = os.path.join(run_dir, *name.split("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(value.png)
    line = {"type": "image", "step": step, "key": key, "path": name, "bytes": len(value.png), "sha256": hashlib.sha256(value.png).hexdigest()}
    if value.caption is not None:
        line["caption"] = value.caption
    return line


def _project_stem(project):
    """study.saddle → study: the name the project's side folders (.runs, .artifacts) are made from."""
    return project[: -len(".saddle")] if project.lower().endswith(".saddle") else project


def project_runs_dir(project):
    """The run-log folder of a project: study.saddle → study.runs/."""
    return _project_stem(project) + ".runs"


def _artifacts_root(project):
    return _project_stem(project) + ".artifacts"


def artifacts_dir():
    """The run's own folder for files (weights, checkpoints), kept with it in the project: in a
    family run $SADDLE_ARTIFACTS_DIR, else the folder of the run saddle_lab.init started."""
    folder = os.environ.get("SADDLE_ARTIFACTS_DIR") if _protocol_mode else (run.dir if run is not None else None)
    if not folder:
        raise RuntimeError("saddle_lab.artifacts_dir(): no run: call saddle_lab.init(...) first (or run as a Saddle Lab family)")
    os.makedirs(folder, exist_ok=True)
    return folder


def _project_file(project):
    """Which project a run logs into: a .saddle path as given, else $SADDLE_PROJECT, else <project>.saddle here."""
    if project and project.lower().endswith(".saddle"):
        return os.path.abspath(project)
    if os.environ.get("SADDLE_PROJECT"):
        return os.path.abspath(os.environ["SADDLE_PROJECT"])
    if project:
        return os.path.abspath(project + ".saddle")
    raise ValueError("saddle_lab.init: name the project (project=\"study.saddle\") or set SADDLE_PROJECT")


class _Config(dict):
    """wandb.config: a dict with attribute access; changes after init are logged too."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self.update({name: value})

    def __setitem__(self, name, value):
        self.update({name: value})

    def update(self, values=None, allow_val_change=None, **more):
        values = dict(values or {}, **more)
        dict.update(self, values)
        if run is not None and run._config is self:
            run._write({"type": "config", "values": _json_value(values)})

    def setdefaults(self, values):
        self.update({k: v for k, v in values.items() if k not in self})


class _Summary(dict):
    """wandb.summary (and, called, the script-family summary(**values)): set values are logged at once."""

    def __call__(self, **values):
        _family_summary(values)

    def __setitem__(self, name, value):
        self.update({name: value})

    def update(self, values=None, **more):
        values = dict(values or {}, **more)
        dict.update(self, values)
        if run is not None and run._summary is self:
            line = {"type": "summary", "values": _json_value(values)}
            non_finite = {k: _number(k, v) for k, v in values.items() if isinstance(v, float) and not math.isfinite(v)}
            if non_finite:
                line["nonFinite"] = non_finite  # the run ends diverged, as a NaN in log() does
            run._write(line)


config = _Config()
summary = _Summary()
run = None


class Run:
    """One logged run: the lines of its run log, or in a script-family run the line protocol."""

    def __init__(self, project, name, group, family, config_values, tags, notes, run_id=None):
        self.id = str(run_id) if run_id is not None else "".join(random.choices(string.ascii_lowercase + string.digits, k=8))
        self.project = project
        self.name = name or f"{os.path.splitext(os.path.basename(sys.argv[0] or 'python'))[0]}-{self.id}"
        self.group = group
        self.tags = list(tags or [])
        self.notes = notes or ""
        self._config = config
        self._summary = summary
        self._step = 0
        self._synced_at = time.monotonic()
        self._started = time.time()
        self._finished = False
        self._file = None
        self.dir = None
        if _protocol_mode:
            # Saddle Lab's parameters win over the defaults the script passes to init.
            dict.update(self._config, _flatten(_json_value(dict(config_values or {}))))
            dict.update(self._config, params())
            self.id = os.environ.get("SADDLE_RUN_ID", self.id)
            self.dir = os.environ.get("SADDLE_ARTIFACTS_DIR")
            return
        dict.update(self._config, _flatten(_json_value(dict(config_values or {}))))
        folder = project_runs_dir(project)
        os.makedirs(folder, exist_ok=True)
        # Names sort in start order (to the millisecond): runs are brought in in that order.
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(self._started)) + f"{self._started % 1:.3f}"[1:]
        self.path = os.path.join(folder, f"run-{stamp}-{self.id}.jsonl")
        # Files the run saves here are kept with it in the project (listed per run, removed with it).
        self.dir = os.path.join(_artifacts_root(project), os.path.basename(self.path)[: -len(".jsonl")])
        os.makedirs(self.dir, exist_ok=True)
        # "x": exclusive create; a run log is only ever appended to.
        self._file = open(self.path, "x", encoding="utf-8")
        self._write({
            "type": "init", "format": _RUN_LOG_FORMAT, "id": self.id, "name": self.name, "group": group,
            "family": family, "config": dict(self._config), "tags": self.tags, "notes": self.notes,
            "pid": os.getpid(), "host": socket.gethostname(), "startedAtMs": int(self._started * 1000),
            "argv": list(sys.argv),
        })

    @property
    def config(self):
        return self._config

    @property
    def summary(self):
        return self._summary

    def _write(self, line):
        if self._file is None:
            if _protocol_mode and line["type"] == "summary":
                _write({"type": "summary", "values": line["values"]})
            return
        self._file.write(json.dumps(line, separators=(",", ":"), allow_nan=False) + "\n")
        self._file.flush()
        now = time.monotonic()
        if now - self._synced_at > _FSYNC_SECONDS:
            os.fsync(self._file.fileno())
            self._synced_at = now

    def log(self, data, step=None, commit=None):
        """Values at a step: without step, at the run's own counter, which moves on after each call
        (commit=False holds it); with a step, at that step (a step below the last is dropped, as wandb does)."""
        if self._finished:
            raise RuntimeError("saddle_lab.log: the run has finished")
        if not isinstance(data, dict):
            raise TypeError(f"saddle_lab.log: data must be a dict, got {type(data).__name__}")
        if step is not None:
            if step < self._step:
                print(f"saddle_lab: step {step} is below the current step {self._step}; these values are dropped", file=sys.stderr)
                return
            self._step = step
        flat = _flatten(data) if any(type(value) is dict for value in data.values()) else data
        values = {}
        media = []
        for name, value in flat.items():
            if isinstance(value, _MEDIA_TYPES):
                media.append((name, value))
            else:
                values[name] = _number(name, value)
        if _protocol_mode:
            _buffer_points(float(self._step), values)
            for name, _ in media:
                print(f"saddle_lab.log: {name!r} not logged: text, images and histograms are stored for runs of saddle_lab.init outside a family run", file=sys.stderr)
        else:
            if values or not media:
                self._write({"type": "log", "step": self._step, "wall": round(time.time() - self._started, 6), "values": values})
            for name, value in media:
                self._log_media(name, value)
        if commit is True or (commit is None and step is None):
            self._step += 1

    def _log_media(self, key, value):
        try:
            line = _media_line(self.dir, key, self._step, value)
        except _MediaError as error:
            message = str(error)
            print(f"saddle_lab.log: {key!r} at step {self._step} not logged: {message}", file=sys.stderr)
            line = {"type": "problem", "step": self._step, "key": key, "message": message}
        self._write(line)

    def finish(self, exit_code=0, message=None):
        """Ends the run: done for exit code 0, failed otherwise (an uncaught exception does it for you)."""
        global run
        if self._finished:
            return
        self._finished = True
        if _protocol_mode and int(exit_code) != 0:
            # Saddle Lab started the script: its run fails now (done is only written at exit).
            _finish("failed", message or f"wandb.finish(exit_code={int(exit_code)})")
        if self._file is not None:
            line = {"type": "finish", "exitCode": int(exit_code), "finishedAtMs": int(time.time() * 1000)}
            if message:
                line["message"] = message
            self._write(line)
            os.fsync(self._file.fileno())
            self._file.close()
        if run is self:
            run = None

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        self.finish(exit_code=0 if kind is None else 1, message=None if kind is None else _describe(kind, value))
        return False


def init(project=None, name=None, config=None, tags=None, notes=None, group=None, family=None, id=None, **ignored):
    """Starts a run (and finishes one still open). project: a .saddle file, or a name (then
    <name>.saddle in the working folder); $SADDLE_PROJECT, when set, wins over a name. family: a
    Saddle Lab family whose metrics the script logs (its charts and theory overlays apply)."""
    global run
    unknown = sorted(set(ignored) - _IGNORED_INIT_ARGS)
    if unknown:
        raise TypeError(f"saddle_lab.init: {', '.join(unknown)} not supported (see docs/logging.md for the subset offered)")
    if ignored.get("mode") == "disabled":
        raise ValueError("saddle_lab.init: mode='disabled' is not supported; leave out the init call instead")
    if run is not None:
        run.finish()
    # wandb takes an argparse Namespace as config too.
    config_values = {} if config is None else dict(config) if isinstance(config, dict) else dict(vars(config))
    dict.clear(globals()["config"])
    dict.clear(summary)
    project_file = None if _protocol_mode else _project_file(project)
    run = Run(project_file, name, group, family or os.environ.get("SADDLE_FAMILY"), config_values, tags, notes, id)
    return run


def finish(exit_code=0):
    """Ends the current run (done, or failed for a non-zero exit code)."""
    if run is not None:
        run.finish(exit_code=exit_code)


def _describe(kind, value):
    return f"{kind.__name__}: {value}" if str(value) else kind.__name__


def _at_exit():
    if run is not None:
        run.finish()
    done()


_previous_hook = sys.excepthook


def _on_exception(kind, value, traceback):
    _finish("failed", _describe(kind, value))
    if run is not None:
        run.finish(exit_code=1, message=_describe(kind, value))
    _previous_hook(kind, value, traceback)


sys.excepthook = _on_exception
atexit.register(_at_exit)


# ── `saddle-lab family init`: a manifest's parameters from an argparse script ──────────────────

_ARGPARSE_TYPES = {int: "integer", float: "number", str: "string", None: "string"}


class _ParserSeen(Exception):
    def __init__(self, parser):
        super().__init__("parser seen")
        self.parser = parser


def describe_argparse(script):
    """Runs `script` up to its parser's parse_args (nothing after it runs) and returns its options
    as manifest parameters: {name: JSON Schema with default, description and argparse flag}."""
    import argparse
    import runpy

    def stop(parser, *args, **kwargs):
        raise _ParserSeen(parser)

    argparse.ArgumentParser.parse_args = stop
    argparse.ArgumentParser.parse_known_args = stop
    sys.argv = [script]
    try:
        runpy.run_path(script, run_name="__main__")
    except _ParserSeen as seen:
        return _parameters_of(seen.parser)
    raise SystemExit(f"{script} ended without calling ArgumentParser.parse_args()")


def _parameters_of(parser):
    import argparse

    properties = {}
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or not action.option_strings:
            continue
        option = next((o for o in action.option_strings if o.startswith("--")), action.option_strings[0])
        spec = {"description": action.help or ""}
        if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
            spec.update(type="boolean", default=bool(action.default))
            spec["argparse"] = {"option": option, "action": "store_true" if isinstance(action, argparse._StoreTrueAction) else "store_false"}
        elif type(action) is argparse._StoreAction:
            kind = _ARGPARSE_TYPES.get(action.type)
            if kind is None:
                raise SystemExit(f"{option}: type {getattr(action.type, '__name__', action.type)} is not a number or a string; give it one of those")
            if action.choices is not None:
                spec["enum"] = list(action.choices)
            if action.nargs in ("+", "*") or isinstance(action.nargs, int):
                spec.update(type="array", items={"type": kind})
            else:
                spec["type"] = kind
            if action.default is None:
                raise SystemExit(f"{option} has no default: give it one (every parameter of a family has a default)")
            spec["default"] = action.default
            spec["argparse"] = {"option": option, "action": "store"}
        else:
            raise SystemExit(f"{option}: argparse action {type(action).__name__} is not supported (store, store_true, store_false are)")
        properties[action.dest] = spec
    return properties


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "describe-argparse":
    print(json.dumps(describe_argparse(sys.argv[2])))
