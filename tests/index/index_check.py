"""`nox -s index`: TTV as an outsider gets it, from a real (loopback) package index.

1. Build every workspace wheel (`uv build --all-packages --no-sources --wheel`).
2. Serve them as a PEP 503 simple index on 127.0.0.1 (an ephemeral port, this process only;
   the bound address is asserted to be loopback).
3. For each module, in a fresh venv outside the repository: `uv pip install ttv-<module>` by
   name (TTV packages from the loopback index, which uv asks first; third-party packages from
   the registry this machine is configured with), then run the first ```python block under
   `## Example` in the module's README (extracted here, so the example cannot rot), check the
   installed version equals the pyproject's and the wheel carries its REPAIR.md, and that
   every third-party distribution the lone install resolved has the major uv.lock pins for
   the workspace (`majors.py`; opencv 5 alone against 4 in the workspace fails).
4. A rotating subset of modules (`--tests N`, default 2; which ones changes by day) also runs
   its own tests there; `nox -s wheels` runs every module's tests from wheels already.
5. One venv with every package: each registered error code reaches an anchor of the
   installed REPAIR.md (`python -m ttv_contracts.repair --check`); `ttv new-module
   --out-of-tree` (from the installed wheel) makes a plugin, which is built, published to
   the index, installed by name beside ttv-integration in a fresh venv, listed by
   `ttv modules`, and passes its conformance kit there.

Exit status 1 when any step fails; a summary table is printed either way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import html
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from majors import major_mismatches, read_lock

ROOT = Path(__file__).resolve().parents[2]
TEST_DEPS = ["pytest>=8", "hypothesis>=6.100", "pytest-benchmark>=4"]
EXAMPLE_RE = re.compile(r"^## Example\s*$(.*?)^```python\n(.*?)^```", re.S | re.M)
PLUGIN = ("emotion-shout", "emotion", "shout")


def members() -> dict[str, Path]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found = {}
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        for d in sorted(ROOT.glob(pattern)):
            if (d / "pyproject.toml").is_file():
                project = tomllib.loads((d / "pyproject.toml").read_text())["project"]
                found[project["name"]] = d
    return found


def readme_example(readme: Path) -> str | None:
    """The first ```python block under the `## Example` heading (None when there is none)."""
    m = EXAMPLE_RE.search(readme.read_text(encoding="utf-8"))
    if m is None or "\n## " in m.group(1):  # the block must belong to the Example section
        return None
    return m.group(2)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def write_simple_index(root: Path) -> list[str]:
    """(Re)write root/simple/ (PEP 503) for the wheels in root/dist; returns project names."""
    projects: dict[str, list[Path]] = {}
    for whl in sorted((root / "dist").glob("*.whl")):
        projects.setdefault(normalize(whl.name.split("-")[0]), []).append(whl)
    simple = root / "simple"
    simple.mkdir(exist_ok=True)
    links = "".join(f'<a href="{p}/">{p}</a>\n' for p in sorted(projects))
    (simple / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")
    for project, wheels in projects.items():
        d = simple / project
        d.mkdir(exist_ok=True)
        rows = "".join(
            f'<a href="../../dist/{html.escape(w.name)}#sha256='
            f'{hashlib.sha256(w.read_bytes()).hexdigest()}" data-requires-python="&gt;=3.11">'
            f"{html.escape(w.name)}</a>\n"
            for w in wheels
        )
        (d / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{rows}</body></html>\n")
    return sorted(projects)


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the summary says what matters
        pass


def serve(root: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    host, port = server.server_address[:2]
    assert ipaddress.ip_address(host).is_loopback, f"index bound to {host}, not loopback"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{port}/simple"


class Runner:
    def __init__(self, tmp: Path, index_url: str) -> None:
        self.tmp = tmp
        self.index_url = index_url
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT", "PYTHONPATH"))
        }
        self.env["PYTHONNOUSERSITE"] = "1"

    def run(
        self, *cmd: str | Path, cwd: Path | None = None, timeout: int = 600
    ) -> tuple[bool, str]:
        res = subprocess.run(
            [str(c) for c in cmd],
            cwd=cwd or self.tmp,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return res.returncode == 0, (res.stdout + res.stderr)[-4000:]

    def venv(self, name: str) -> Path:
        path = self.tmp / "venvs" / name
        ok, out = self.run("uv", "venv", "-q", "--python", sys.executable, path)
        if not ok:
            raise RuntimeError(out)
        return path / "bin" / "python"

    def install(self, py: Path, *reqs: str) -> tuple[bool, str]:
        # TTV packages from the loopback index (asked first); everything else from the
        # default index uv is configured with on this machine.
        return self.run(
            "uv", "pip", "install", "-q", "-p", py, "--index", self.index_url, *reqs
        )  # fmt: skip


def check_module(r: Runner, name: str, path: Path, run_tests: bool) -> list[tuple[str, bool, str]]:
    """Steps for one module, in its own fresh venv; (step, ok, detail) each."""
    steps: list[tuple[str, bool, str]] = []
    py = r.venv(name)
    t0 = time.monotonic()
    ok, out = r.install(py, name)
    steps.append(
        (f"{name}: pip install by name", ok, out if not ok else f"{time.monotonic() - t0:.0f}s")
    )
    if not ok:
        return steps
    version = tomllib.loads((path / "pyproject.toml").read_text())["project"]["version"]
    probe = (
        "import importlib, json; from ttv_contracts import version_of; "
        "from ttv_contracts.meta import doc_path; "
        f"m = importlib.import_module({name.replace('-', '_')!r}); "
        f"print(json.dumps([version_of({name!r}), getattr(m, '__version__', None), "
        f"str(doc_path({name!r}, 'REPAIR.md'))]))"
    )
    ok, out = r.run(py, "-c", probe)
    if ok:
        import json

        have, dunder, repair = json.loads(out.strip().splitlines()[-1])
        ok = have == version and dunder in (None, version) and "site-packages" in repair
        out = f"installed {have}, __version__ {dunder}, pyproject {version}, REPAIR.md at {repair}"
    steps.append((f"{name}: one version, docs installed", ok, out))
    # before the test dependencies go in: what `pip install <module>` alone resolved
    ok, out = r.run(
        py,
        "-c",
        "import json, importlib.metadata as m; "
        "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))",
    )
    if ok:
        import json

        installed = json.loads(out.strip().splitlines()[-1])
        problems = major_mismatches(installed, read_lock(ROOT / "uv.lock"), ignore=members())
        ok = not problems
        out = "; ".join(problems) or f"{len(installed)} distributions, majors as in uv.lock"
    steps.append((f"{name}: same majors as the workspace", ok, out))
    example = readme_example(path / "README.md")
    if example is None:
        steps.append((f"{name}: README example", False, "no ```python block under ## Example"))
    else:
        work = r.tmp / "work" / name
        work.mkdir(parents=True)
        (work / "example.py").write_text(example)
        ok, out = r.run(py, "example.py", cwd=work)
        steps.append((f"{name}: README example", ok, out.strip()[-1500:]))
    if run_tests:
        extras = tomllib.loads((path / "pyproject.toml").read_text())["project"].get(
            "optional-dependencies", {}
        )
        # the light `cli` extra (a `ttv` subcommand's typer/rich): the tests run the command
        ok, out = r.install(py, *TEST_DEPS, *([f"{name}[cli]"] if "cli" in extras else []))
        if ok:
            tests = r.tmp / "work" / f"{name}-tests"
            shutil.copytree(path / "tests", tests)
            ok, out = r.run(
                py, "-m", "pytest", tests, "-q", "-x", "-p", "no:cacheprovider", cwd=tests.parent
            )
            ok = ok or "no tests ran" in out
        steps.append(
            (
                f"{name}: its tests, from the installed wheel",
                ok,
                out.strip().splitlines()[-1] if out.strip() else out,
            )
        )
    return steps


def check_everything(r: Runner, names: list[str]) -> list[tuple[str, bool, str]]:
    steps: list[tuple[str, bool, str]] = []
    py = r.venv("all")
    ok, out = r.install(py, *names)
    steps.append(("all packages: pip install by name", ok, "" if ok else out))
    if not ok:
        return steps
    ok, out = r.run(py, "-m", "ttv_contracts.repair", "--check")
    steps.append(("every error code resolves in the installed REPAIR.md", ok, out.strip()))
    # an out-of-tree plugin, made by the installed scaffold
    plugins = r.tmp / "plugins"
    plugins.mkdir()
    ttv = py.parent / "ttv"
    mod, slot, impl = PLUGIN
    ok, out = r.run(ttv, "new-module", mod, "--slot", slot, "--out-of-tree", plugins)
    steps.append(
        (
            "ttv new-module --out-of-tree (installed wheel)",
            ok,
            out.strip().splitlines()[0] if ok else out,
        )
    )
    if not ok:
        return steps
    ok, out = r.run(
        "uv", "build", "--wheel", "-q", "-o", r.tmp / "dist", plugins / mod, cwd=plugins
    )
    steps.append(("plugin: builds a wheel", ok, out))
    if not ok:
        return steps
    write_simple_index(r.tmp)  # publish it
    py2 = r.venv("plugin")
    ok, out = r.install(py2, "ttv-integration", f"ttv-{mod}[test]")
    steps.append(("plugin: pip install by name beside ttv-integration", ok, "" if ok else out))
    if not ok:
        return steps
    ok, out = r.run(py2.parent / "ttv", "modules")
    listed = ok and any(  # a row naming the slot, the implementation and its package
        re.search(rf"\b{slot}\b", line) and re.search(rf"\b{impl}\b", line) and f"ttv-{mod}" in line
        for line in out.splitlines()
    )
    steps.append(
        (
            "plugin: listed by `ttv modules`",
            listed,
            next((ln for ln in out.splitlines() if impl in ln), out[-500:]),
        )
    )
    ok, out = r.run(
        py2,
        "-m",
        "pytest",
        plugins / mod / "tests",
        "-q",
        "-p",
        "no:cacheprovider",
        cwd=plugins / mod,
    )
    steps.append(
        (
            "plugin: passes its conformance kit",
            ok,
            out.strip().splitlines()[-1] if out.strip() else out,
        )
    )
    return steps


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tests", type=int, default=2, help="modules whose tests run (rotating)")
    ap.add_argument("--only", nargs="*", default=None, help="only these modules (ttv-<name>)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)

    found = members()
    modules = {n: p for n, p in found.items() if p.parent.name == "packages"}
    if args.only:
        modules = {n: p for n, p in modules.items() if n in args.only or n[4:] in args.only}
    order = sorted(modules)
    day = dt.date.today().toordinal()
    tested = {
        order[(day * args.tests + i) % len(order)] for i in range(min(args.tests, len(order)))
    }

    t_start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="ttv-index-"))
    assert not tmp.resolve().is_relative_to(ROOT), "the check runs outside the repository"
    try:
        print(f"building {len(found)} wheels ...", flush=True)
        res = subprocess.run(
            ["uv", "build", "--all-packages", "--no-sources", "--wheel", "-q", "-o", str(tmp / "dist")],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if res.returncode != 0:
            print(res.stdout + res.stderr)
            return 1
        projects = write_simple_index(tmp)
        server, url = serve(tmp)
        print(f"index {url}: {', '.join(projects)}", flush=True)
        r = Runner(tmp, url)
        steps: list[tuple[str, bool, str]] = []
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            jobs = [pool.submit(check_module, r, n, modules[n], n in tested) for n in order]
            whole = pool.submit(check_everything, r, sorted(found))
            for job in [*jobs, whole]:
                got = job.result()
                for step in got:
                    print(f"{'ok  ' if step[1] else 'FAIL'} {step[0]}", flush=True)
                steps += got
        server.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [s for s in steps if not s[1]]
    for name, _, detail in failed:
        print(f"\n--- FAIL {name}\n{detail}")
    print(
        f"\nindex: {len(steps) - len(failed)} passed, {len(failed)} failed "
        f"({len(modules)} modules, tests run for {', '.join(sorted(tested))}; "
        f"{time.monotonic() - t_start:.0f}s)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
