"""python -m compat [--examples N] [--only NAME,...]: run the op table against real torch
and write compat/REPORT.md and compat/report.json.

For each op and dtype: pass, or fail with the first counterexample (every variant of the
op is checked in the same example: function, method, in-place, out=, gradients). Passing
callables are counted per variant (torch.add, Tensor.add and Tensor.add_ count as three).
The report also lists torch's public names that jtorch lacks, and the differences found by
thorough (random, many-example) runs that are not fixed yet (compat/known_differences.py).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import jtorch
from compat.harness import resolve
from compat.known_differences import KNOWN_DIFFERENCES, THOROUGH_RUNS
from compat.names import NAMESPACES, torch_public_names
from compat.op_table import OPS
from compat.test_ops import test_op

HERE = Path(__file__).resolve().parent


def run_spec(spec, dtype, examples):
    """None when `examples` hypothesis examples pass for `spec` restricted to `dtype`,
    else the first failure's message."""
    narrowed = dataclasses.replace(spec, dtypes=(dtype,))
    inner = test_op.hypothesis.inner_test

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate], derandomize=True,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(data=st.data())
    def check(data):
        inner(narrowed, data)

    try:
        check()
    except Exception as error:  # noqa: BLE001 - any failure is reported
        return f"{type(error).__name__}: {str(error).strip().splitlines()[0][:300]}"
    return None


def _occurrence_keys(names):
    seen = {}
    keys = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        keys.append((name, seen[name]))
    return keys


def callables_of(spec):
    short = spec.name.rsplit(".", 1)[-1]
    found = []
    try:
        resolve(jtorch, spec.name)
        # a spec of a Tensor method by name ("Tensor.repeat") counts as that method
        found.append(spec.name if spec.name.startswith("Tensor.") else "torch." + spec.name)
    except AttributeError:
        pass
    if "m" in spec.variants and hasattr(jtorch.Tensor, short):
        found.append(f"Tensor.{short}")
    if "i" in spec.variants and hasattr(jtorch.Tensor, short + "_"):
        found.append(f"Tensor.{short}_")
    return found


def missing_names():
    import importlib

    missing = {}
    for ns in NAMESPACES:
        try:
            ours = jtorch.Tensor if ns == "torch.Tensor" else importlib.import_module("j" + ns)
        except ImportError:
            ours = None
        missing[ns] = [n for n in torch_public_names(ns) if ours is None or not _has(ours, n)]
    return missing


def _has(obj, name):
    try:
        getattr(obj, name)
        return True
    except (AttributeError, NotImplementedError):
        return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=25, help="hypothesis examples per op and dtype")
    parser.add_argument("--only", default="", help="comma-separated op names")
    parser.add_argument("--update", action="store_true",
                        help="with --only: rerun those ops (and ops new to the table) and keep the other ops' "
                             "results from report.json")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    previous = []
    if args.update:
        old = json.loads((HERE / "report.json").read_text())
        assert old["examples_per_dtype"] == args.examples, "--update needs the previous run's --examples"
        previous = old["results"]
    # results by (op name, occurrence): an op may have several specs (torch.max: reduction and binary);
    # ops new to the table (not in the old report) always run
    previous = dict(zip(_occurrence_keys(r["op"] for r in previous), previous))
    results, passing, failing, started = [], set(), set(), time.time()
    for spec, key in zip(OPS, _occurrence_keys(s.name for s in OPS)):
        if only and spec.name not in only and spec.name.rsplit(".", 1)[-1] not in only and key in previous:
            earlier = previous[key]
            earlier["callables"] = callables_of(spec)
            results.append(earlier)
            (passing if earlier["pass"] else failing).update(earlier["callables"])
            continue
        if only and not previous and spec.name not in only and spec.name.rsplit(".", 1)[-1] not in only:
            continue
        per_dtype = {}
        for dtype in spec.dtypes:
            per_dtype[dtype] = run_spec(spec, dtype, args.examples)
        ok = all(v is None for v in per_dtype.values())
        names = callables_of(spec)
        (passing if ok else failing).update(names)
        results.append({"op": spec.name, "callables": names, "pass": ok,
                        "dtypes": {d: ("pass" if v is None else v) for d, v in per_dtype.items()}})
        print(f"{spec.name:32} {'pass' if ok else 'FAIL'} ({len(names)} callables)", flush=True)
    # a callable counts only if every spec that exercises it passes for every dtype
    # (torch.max has a reduction spec and a binary spec; a failure in either one excludes it)
    passing -= failing
    missing = missing_names()
    report = {"examples_per_dtype": args.examples, "seconds": round(time.time() - started),
              "ops": len(results), "ops_passing": sum(r["pass"] for r in results),
              "callables_passing": sorted(passing), "results": results, "missing": missing,
              "known_differences": [known._asdict() for known in KNOWN_DIFFERENCES]}
    (HERE / "report.json").write_text(json.dumps(report, indent=1))
    lines = ["# jtorch compatibility report", "",
             f"Generated by `python -m compat --examples {args.examples}` against real torch: every op below ran "
             f"{args.examples} hypothesis examples per dtype, checking values, dtypes, shapes, exception types, "
             "the method / in-place / out= variants and gradients.", "",
             f"- ops in the table: {report['ops']}; passing for every listed dtype: {report['ops_passing']}",
             f"- public callables passing (functions and Tensor methods counted separately): {len(passing)}", "",
             "| op | result | dtypes |", "| --- | --- | --- |"]
    for r in results:
        fails = {d: v for d, v in r["dtypes"].items() if v != "pass"}
        status = "pass" if r["pass"] else "fail"
        detail = ", ".join(r["dtypes"]) if r["pass"] else "; ".join(f"{d}: {v}" for d, v in fails.items())
        lines.append(f"| {r['op']} | {status} | {detail.replace('|', '/')} |")
    lines += ["", "## Thorough runs", "", *THOROUGH_RUNS, "",
              "Differences those runs found that are not fixed (the op passes the bounded table above):", "",
              "| op | dtype | what differs | why |", "| --- | --- | --- | --- |"]
    for known in KNOWN_DIFFERENCES:
        lines.append(f"| {known.op} | {known.dtype} | {known.what} | {known.why} |")
    lines += ["", "## torch names jtorch lacks", ""]
    for ns, names in missing.items():
        lines.append(f"- `{ns}` ({len(names)}): " + ", ".join(names))
    (HERE / "REPORT.md").write_text("\n".join(lines) + "\n")
    print(f"{report['ops_passing']}/{report['ops']} ops pass; {len(passing)} callables; see compat/REPORT.md")


if __name__ == "__main__":
    main()
