"""TTV's CI: every session is derived from the workspace, never from a hand-kept list.

`uv run nox` runs the default sessions (the README's test command); `nox -l` lists them all;
`nox -t <slot>` runs one slot's swap cells.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
JUNIT = ROOT / "reports" / "junit"
TEST_DEPS = ["pytest>=8", "hypothesis>=6.100", "pytest-benchmark>=4"]


def _members() -> dict[str, Path]:
    """Distribution name -> directory, for every workspace member with a pyproject."""
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    found: dict[str, Path] = {}
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        for directory in sorted(ROOT.glob(pattern)):
            pyproject = directory / "pyproject.toml"
            if pyproject.is_file():
                found[tomllib.loads(pyproject.read_text())["project"]["name"]] = directory
    return found


MEMBERS = _members()
MODULES = {name: path for name, path in MEMBERS.items() if path.parent.name == "packages"}
#: Shared libraries (libs/*): no slot; modules may import them, they import no module.
LIBS = {name: path for name, path in MEMBERS.items() if path.parent.name == "libs"}


def _project(path: Path) -> dict:
    return tomllib.loads((path / "pyproject.toml").read_text())["project"]


def _import_name(path: Path) -> str:
    return _project(path)["name"].replace("-", "_")


def _extras(path: Path) -> list[str]:
    return sorted(_project(path).get("optional-dependencies", {}))


def _cli_extra(path: Path) -> list[str]:
    """``["cli"]`` for a package whose ``ttv`` subcommand needs its ``cli`` extra, else ``[]``."""
    return ["cli"] if "cli" in _extras(path) else []


def _local_deps(path: Path) -> list[Path]:
    """Workspace members this package depends on (contracts, and for tools their peers)."""
    deps = _project(path).get("dependencies", [])
    names = {
        d.split(";")[0].split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip()
        for d in deps
    }
    return [MEMBERS[n] for n in sorted(names) if n in MEMBERS]


def _install_members(
    session: nox.Session, *paths: Path, extras: dict[Path, list[str]] | None = None
) -> None:
    args: list[str] = []
    for path in paths:
        spec = str(path)
        chosen = (extras or {}).get(path)
        if chosen:
            spec += "[" + ",".join(chosen) + "]"
        args += ["-e", spec]
    session.install(*args, *TEST_DEPS)


# ---------------------------------------------------------------------------- quality gates


@nox.session(tags=["quality"])
def lint(session: nox.Session) -> None:
    """Ruff lint and format check over the whole tree; no copy of 20+ lines across packages."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("python", str(ROOT / ".ci" / "copies.py"), "--min-lines", "20")


#: What ``ttv_contracts.testing.tiny_sd`` (test builders) imports inside its functions.
TINY_SD_LIBS = ("torch", "diffusers", "transformers")


def importlinter_config() -> str:
    """import-linter contracts, derived from the workspace members."""
    modules = sorted(_import_name(p) for p in MODULES.values())
    libs = sorted(_import_name(p) for p in LIBS.values())
    roots = ["ttv_contracts", "ttv_integration", *libs, *modules]
    lines = [
        "[importlinter]",
        "root_packages =",
        *[f"    {r}" for r in roots],
        "include_external_packages = True",
        "",
        "[importlinter:contract:independent-modules]",
        "name = Module packages are independent of each other",
        "type = independence",
        "modules =",
        *[f"    {m}" for m in modules],
        "",
        "[importlinter:contract:only-integration-assembles]",
        "name = Only the integration imports module packages",
        "type = forbidden",
        "source_modules =",
        "    ttv_contracts",
        "forbidden_modules =",
        *[f"    {m}" for m in modules],
        "",
        "[importlinter:contract:contracts-light]",
        "name = ttv_contracts imports no heavy ML library",
        "type = forbidden",
        "source_modules =",
        "    ttv_contracts",
        "forbidden_modules =",
        "    torch",
        "    diffusers",
        "    transformers",
        "    ttv_integration",
        # the tiny offline diffusers builders for tests import them inside their functions;
        # importing ttv_contracts (or ttv_contracts.testing) imports none of them
        "ignore_imports =",
        *(f"    ttv_contracts.testing.tiny_sd -> {lib}" for lib in TINY_SD_LIBS),
        "",
    ]
    if libs:
        lines += [
            "[importlinter:contract:libraries-shared]",
            "name = Shared libraries (libs/*) import no module package and not the integration",
            "type = forbidden",
            "source_modules =",
            *[f"    {lib}" for lib in libs],
            "forbidden_modules =",
            "    ttv_integration",
            *[f"    {m}" for m in modules],
            "",
        ]
    return "\n".join(lines)


@nox.session(tags=["quality"])
def imports(session: nox.Session) -> None:
    """import-linter: modules independent; only the integration imports them; contracts light;
    shared libraries (libs/*) import no module."""
    _install_members(session, *MEMBERS.values())
    session.install("import-linter>=2.1")
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "importlinter.ini"
        cfg.write_text(importlinter_config())
        session.run("lint-imports", str(cfg))


# ---------------------------------------------------------------------------- tests


@nox.session(name="tests")
@nox.parametrize("package", sorted(MEMBERS))
def tests(session: nox.Session, package: str) -> None:
    """One package's tests in an environment holding only it and its declared dependencies."""
    path = MEMBERS[package]
    # `cli` (typer, rich for a `ttv` subcommand) is light and its commands are tested here.
    _install_members(session, *_local_deps(path), path, extras={path: _cli_extra(path)})
    session.run(
        "python",
        "-m",
        "pytest",
        str(path / "tests"),
        "-q",
        f"--junitxml={JUNIT / (package + '.xml')}",
        *session.posargs,
        success_codes=[0, 5],
    )


@nox.session(name="tests-extras")
def tests_extras(session: nox.Session) -> None:
    """Model-backed extras (diffusers, spandrel, ...) on tiny offline models, one environment."""
    with_extras = {path: _extras(path) for path in MODULES.values() if _extras(path)}
    if not with_extras:
        session.skip("no package declares an extra")
    _install_members(session, MEMBERS["ttv-contracts"], *with_extras, extras=with_extras)
    for path in with_extras:
        session.run("python", "-m", "pytest", str(path / "tests"), "-q", success_codes=[0, 5])


# ---------------------------------------------------------------------------- end to end


def _workspace_env(session: nox.Session) -> None:
    _install_members(session, *MEMBERS.values())


@nox.session
def e2e(session: nox.Session) -> None:
    """`ttv generate` on every example lesson: default profile and all-stub profile."""
    _workspace_env(session)
    session.run(
        "python",
        "-m",
        "pytest",
        "tests/e2e",
        "-q",
        f"--junitxml={JUNIT / 'e2e.xml'}",
        *session.posargs,
    )


# ---------------------------------------------------------------------------- swap matrix


def _entry_points() -> dict[str, list[str]]:
    """slot -> implementation names declared in the workspace's pyprojects (plus stub)."""
    from itertools import chain as _chain

    slots = [
        "narrative",
        "identity",
        "scene",
        "emotion",
        "keyframe",
        "motion",
        "transitions",
        "extender",
        "interpolator",
        "voice",
        "lipsync",
        "upscaler",
        "watermark",
        "router",
    ]
    found: dict[str, list[str]] = {s: ["stub"] for s in slots}
    for path in _chain(MODULES.values()):
        eps = _project(path).get("entry-points", {})
        for group, table in eps.items():
            if group.startswith("ttv.") and group[4:] in found:
                found[group[4:]] += sorted(table)
    return found


SWAP_GROUPS = [nox.param(slot, tags=[slot, "swap"], id=slot) for slot in _entry_points()] + [
    nox.param("all-stub", tags=["swap", "stub"], id="all-stub"),
    nox.param("pairwise", tags=["swap", "pairwise"], id="pairwise"),
]


@nox.session
@nox.parametrize("group", SWAP_GROUPS)
def swap(session: nox.Session, group: str) -> None:
    """Swap matrix cells (one group per session); results merge into reports/swap.json."""
    _workspace_env(session)
    flag = ["--group", group] if group in ("all-stub", "pairwise") else ["--slot", group]
    session.run(
        "python",
        "-m",
        "ttv_integration.swap",
        *flag,
        "--report",
        "reports/swap.json",
        env={"TTV_CONFIG_DIR": str(Path(session.create_tmp()) / "user-config")},
    )


@nox.session(name="swap-handover")
def swap_handover(session: nox.Session) -> None:
    """Named handover swaps: emotion, identity memory, interpolator, scene memory."""
    _workspace_env(session)
    session.run(
        "python",
        "-m",
        "pytest",
        "tests/swap",
        "-q",
        f"--junitxml={JUNIT / 'swap-handover.xml'}",
        *session.posargs,
    )


# ---------------------------------------------------------------------------- wheels


@nox.session(venv_backend="none")
def wheels(session: nox.Session) -> None:
    """Wheels of every package, each module installed alone and tested (newest dependencies)."""
    _wheels(session, "highest")


@nox.session(name="wheels-lowest", venv_backend="none", default=False)
def wheels_lowest(session: nox.Session) -> None:
    """The same with the oldest dependency versions the ranges allow (lowest-direct)."""
    _wheels(session, "lowest-direct")


#: uv options that make it read this run's wheels of the workspace's own distributions
REFRESH_OWN = [f"--refresh-package={name}" for name in MEMBERS]


def _wheels(session: nox.Session, resolution: str) -> None:
    """Build every wheel with `uv build --no-sources`, install each module alone into a fresh
    venv outside the workspace, and run its tests there (the "pip install one module" use).

    `lowest-direct` installs the oldest versions each package's ranges allow, so a range that
    claims too much fails here. ttv-contracts is not on an index: its one release (the
    wheel built here) is both the oldest and newest version `>=1,<2` allows today.
    """
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    for path in MEMBERS.values():
        session.run(
            "uv",
            "build",
            "--no-sources",
            "--wheel",
            "--out-dir",
            str(dist),
            str(path),
            external=True,
            silent=True,
        )
    only = set(session.posargs)
    with tempfile.TemporaryDirectory(prefix="ttv-wheels-") as tmp:
        for name, path in MODULES.items():
            if only and name not in only:
                continue
            wheel = next(dist.glob(name.replace("-", "_") + "-*.whl"))
            venv = Path(tmp) / name
            session.run("uv", "venv", "-q", "--python", sys.executable, str(venv), external=True)
            py = str(venv / "bin" / "python")

            def install(*specs: str, py: str = py) -> None:
                # --refresh-package: uv caches a find-links wheel by name and version, so a
                # wheel rebuilt with new code under an unchanged version (every commit between
                # two releases) would be taken from the cache of an earlier run instead
                session.run(
                    "uv", "pip", "install", "-q", "-p", py, "--find-links", str(dist),
                    "--resolution", resolution, *REFRESH_OWN, *specs, external=True,
                )  # fmt: skip

            install(str(wheel), *TEST_DEPS)
            if _cli_extra(path):
                # a plain install imports without the CLI libraries; then the extra for the
                # tests, which run the `ttv` subcommand too
                session.run(
                    py,
                    "-c",
                    f"import importlib.util as u, {_import_name(path)}; "
                    "assert u.find_spec('typer') is None, 'typer came without the cli extra'",
                    external=True,
                )
                install(f"{wheel}[cli]")
            tests = Path(tmp) / f"{name}-tests"
            shutil.copytree(path / "tests", tests)
            session.run(
                py,
                "-m",
                "pytest",
                str(tests),
                "-q",
                "-x",
                "-p",
                "no:cacheprovider",
                external=True,
                success_codes=[0, 5],
                env={"PYTHONPATH": ""},
            )


@nox.session(venv_backend="none")
def index(session: nox.Session) -> None:
    """Wheels on a loopback PEP 503 index: each module pip-installed by name runs its README example and resolves the workspace's majors; an out-of-tree plugin shows in `ttv modules`."""
    # Module tests run here for a rotating 2 of 14 (`-- --tests N`); `wheels` runs them all.
    # The majors check's own unit tests first (tests/index/majors.py, fake inputs).
    session.run(sys.executable, "-m", "pytest", "-q", str(ROOT / "tests" / "index"))
    session.run(sys.executable, str(ROOT / "tests" / "index" / "index_check.py"), *session.posargs)


# ---------------------------------------------------------------------------- evaluation


EVALUATED = {
    name: path for name, path in MODULES.items() if (path / "eval" / "evaluate.py").is_file()
}


@nox.session(name="eval")
def evaluate(session: nox.Session) -> None:
    """Labelled evaluation sets of the modules that have one (packages/*/eval): each metric
    against its floor, baselines beside; writes reports/eval.{json,md}."""
    import json

    if not EVALUATED:
        session.skip("no package has an eval/evaluate.py")
    _install_members(session, MEMBERS["ttv-contracts"], *EVALUATED.values())
    out = ROOT / "reports"
    results, failed = [], []
    for name, path in sorted(EVALUATED.items()):
        target = Path(session.create_tmp()) / f"{name}.json"
        session.run(
            "python",
            str(path / "eval" / "evaluate.py"),
            "--json",
            str(target),
            success_codes=[0, 1],
        )
        result = json.loads(target.read_text())
        result["package"] = name
        result["passed"] = _eval_passed(result)
        results.append(result)
        if not result["passed"]:
            failed.append(name)
    (out / "eval.json").write_text(json.dumps({"modules": results}, indent=2) + "\n")
    (out / "eval.md").write_text(_eval_markdown(results))
    if failed:
        session.error(f"below a floor (or a baseline margin): {', '.join(failed)}")


#: Aims that compare a metric with baselines measured on the same data (issue 14).
EVAL_MARGINS = {"emotion": ("macro_f1", 0.10)}


def _eval_passed(result: dict) -> bool:
    metrics, floors = result["metrics"], result.get("floors", {})
    ok = all(metrics.get(k, float("-inf")) >= v for k, v in floors.items())
    margin = EVAL_MARGINS.get(result["module"])
    if margin and result.get("baselines"):
        metric, by = margin
        ok = ok and all(metrics[metric] >= b + by for b in result["baselines"].values())
    return ok


def _eval_markdown(results: list[dict]) -> str:
    lines = [
        "Generated by `uv run nox -s eval` from each module's labelled set (`packages/<module>/eval/`).",
        "A metric below its floor fails CI; floors sit just below the measured figure.",
        "",
        "| module | items | metric | measured | floor | baselines |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        base = ", ".join(f"{k} {v:.3f}" for k, v in r.get("baselines", {}).items()) or "-"
        for metric, value in r["metrics"].items():
            floor = r.get("floors", {}).get(metric)
            lines.append(
                f"| {r['module']} | {r['n']} | {metric} | {value:.3f} | "
                f"{'-' if floor is None else f'{floor:.3f}'} | {base} |"
            )
            base = ""
    lines.append("")
    for r in results:
        if r.get("notes"):
            lines.append(f"- **{r['module']}**: {r['notes']}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- ownership, docs, bench


@nox.session(tags=["quality"])
def ownership(session: nox.Session) -> None:
    """owners.yaml rules and bus factor, CODEOWNERS and owner-doc generated blocks not stale."""
    _install_members(session, MEMBERS["ttv-contracts"], MEMBERS["ttv-ownership"])
    session.run("ttv-ownership", "check")
    session.run("ttv-ownership", "codeowners", "--check")
    session.run("ttv-ownership", "docs", "--check")


@nox.session
def batch(session: nox.Session) -> None:
    """`ttv batch` on the local process pool and on Ray (loopback only)."""
    session.install(
        "-e",
        str(MEMBERS["ttv-contracts"]),
        "-e",
        f"{MEMBERS['ttv-integration']}[ray]",
        "psutil",
        *TEST_DEPS,
    )
    tests = MEMBERS["ttv-integration"] / "tests"
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        f"--junitxml={JUNIT / 'batch.xml'}",
        *(str(p) for p in sorted(tests.glob("test_batch*.py"))),
        *session.posargs,
        env={"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"},
    )


@nox.session(name="watermark_bench", default=False)
def watermark_bench(session: nox.Session) -> None:
    """Watermark robustness and invisibility against invisible-watermark (about 30 min)."""
    session.install("-e", "contracts", "-e", "packages/watermark[bench]")
    session.run(
        "python",
        "packages/watermark/bench/bench_watermark.py",
        "--json",
        "reports/watermark.json",
        "--md",
        "reports/watermark.md",
        "--sky-png",
        "reports/watermark-sky-4x.png",
        *session.posargs,
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks as ratios against references measured in the same run.

    Quick by default (CI): its figures go to ``reports/bench-quick.{json,md}`` (not committed).
    ``nox -s bench -- --full`` runs every case at full size and writes the committed
    ``reports/bench.{json,md}``, which the site and the capacity page are built from; a quick
    run never overwrites them."""
    _install_members(session, *MEMBERS.values(), extras={MEMBERS["ttv-integration"]: ["ray"]})
    args = list(session.posargs)
    full = "--full" in args
    args = [a for a in args if a != "--full"]
    if not full and "--quick" not in args:
        args.append("--quick")
    stem = "reports/bench" if full else "reports/bench-quick"
    session.run(
        "python",
        "bench/run.py",
        "--out",
        f"{stem}.json",
        "--md",
        f"{stem}.md",
        *args,
        env={"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"},
    )


@nox.session
def quality(session: nox.Session) -> None:
    """Picture checks on every example lesson's decoded MP4: OCR of the captions (Tesseract),
    layout, cue switches, mouth and watermark; reports/quality.json and contact sheets."""
    if shutil.which("tesseract") is None and os.geteuid() == 0:
        session.run("apt-get", "update", "-qq", external=True)
        session.run("apt-get", "install", "-y", "-qq", "tesseract-ocr", external=True)
    _install_members(session, *MEMBERS.values(), extras={MEMBERS["ttv-integration"]: ["quality"]})
    # Every check gates, the watermark's too (the bench's thresholds, issue 13);
    # `-- --advisory watermark` reports a check without failing on it.
    session.run("python", "-m", "ttv_integration.quality", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """mkdocs build --strict, then every page in headless Chromium (console errors, links)."""
    if shutil.which("chromium") is None and os.geteuid() == 0:
        session.run("apt-get", "update", "-qq", external=True)
        session.run("apt-get", "install", "-y", "-qq", "chromium", external=True)
    _install_members(
        session, *MEMBERS.values(), extras={MEMBERS["ttv-ownership"]: ["site", "browser"]}
    )
    env = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    session.run("mkdocs", "build", "--strict", "-d", "site", env=env)
    session.run(
        "python",
        "-m",
        "pytest",
        "ownership/tests/test_site_browser.py",
        "-q",
        f"--junitxml={JUNIT / 'docs-browser.xml'}",
        env={"TTV_SITE_DIR": "site", "TTV_SITE_ARTIFACTS": "artifacts/site-screenshots"},
    )
