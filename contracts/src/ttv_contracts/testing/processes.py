"""Run a test module's function in fresh interpreter processes, concurrently.

Stores (identity, scene, router) are tested under real concurrent processes. ``fork`` from a
pytest process can deadlock on locks held by threads at fork time; fresh interpreters cannot.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

_CODE = (
    "import importlib.util, json, sys\n"
    "spec = importlib.util.spec_from_file_location('ttv_worker_module', sys.argv[1])\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "sys.modules['ttv_worker_module'] = module\n"
    "spec.loader.exec_module(module)\n"
    "result = getattr(module, sys.argv[2])(*json.loads(sys.argv[3]))\n"
    "print(json.dumps(result))\n"
)


def run_in_processes(
    module_file: str | Path, func: str, args_list: list[list[Any]], timeout_s: float = 300
) -> list[Any]:
    """Start one process per ``args`` in ``args_list`` at once, each calling
    ``module_file:func(*args)``; return their JSON results in order."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CODE, str(module_file), func, json.dumps(args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in args_list
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout_s)
        if proc.returncode != 0:
            raise AssertionError(f"worker failed ({proc.returncode}): {err[-2000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]) if out.strip() else None)
    return results
