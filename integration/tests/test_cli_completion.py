"""Shell completion: `ttv completion SHELL` prints a script, and the script really completes.

The completion protocol is typer's: the shell runs ``ttv`` with ``_TTV_COMPLETE`` set and the
words typed so far in the environment, and reads the candidates from its output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from ttv_integration.cli import COMPLETE_VAR, SHELLS

TTV = Path(sys.executable).parent / "ttv"
pytestmark = pytest.mark.skipif(not TTV.is_file(), reason="the `ttv` script is not installed")


def _bash_protocol(line: str) -> list[str]:
    """What ``ttv`` answers bash for the command line ``line`` (the cursor at its end)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = {
        **os.environ,
        COMPLETE_VAR: "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(cword),
        "PYTHONWARNINGS": "ignore",
    }
    out = subprocess.run([str(TTV)], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_command_names_complete():
    assert _bash_protocol("ttv gen") == ["generate"]
    listed = _bash_protocol("ttv ")
    for name in ("generate", "render", "modules", "completion", "runs", "stores", "timeline"):
        assert name in listed


def test_options_and_arguments_complete():
    assert _bash_protocol("ttv generate --ou") == ["--output"]
    assert _bash_protocol("ttv batch --exec") == ["--executor"]
    assert _bash_protocol("ttv completion ") == list(SHELLS)
    assert _bash_protocol("ttv runs cl") == ["clean"]
    assert "--dry-run" in _bash_protocol("ttv runs clean --")


def test_lazily_mounted_group_completes():
    """`ttv stores` is imported only when invoked; completing it must still see its commands."""
    assert set(_bash_protocol("ttv stores ")) >= {"check", "backup", "restore", "salvage"}


def test_plugin_subcommand_completes():
    """A `ttv.commands` plugin is mounted for real when it is the word being completed."""
    plugins = {ep.name: ep for ep in entry_points(group="ttv.commands")}
    if not plugins:
        pytest.skip("no ttv.commands plugin is installed in this environment")
    name = sorted(plugins)[0]
    assert name in _bash_protocol(f"ttv {name[:-1]}")
    # its sub-commands, or its own options (`ttv repair` takes codes and `--check`)
    sub = set(_bash_protocol(f"ttv {name} ")) | set(_bash_protocol(f"ttv {name} --"))
    # the placeholder shown in `ttv --help` takes no sub-commands or options of its own
    assert sub - {"--help"}, f"`ttv {name} <TAB>` offered nothing of the plugin's own: {sub}"


def test_zsh_protocol_carries_help():
    env = {
        **os.environ,
        COMPLETE_VAR: "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "ttv generate --q",
        "PYTHONWARNINGS": "ignore",
    }
    out = subprocess.run([str(TTV)], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert '"--quiet":"No progress display."' in out.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_generated_bash_script_completes_in_bash(tmp_path):
    """Source the printed script in a real bash and call its completion function."""
    script = subprocess.run(
        [str(TTV), "completion", "bash"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "complete -o default -F _ttv_completion ttv" in script
    (tmp_path / "ttv.bash").write_text(script)
    driver = (
        f"source {tmp_path / 'ttv.bash'}\n"
        "complete -p ttv\n"
        "COMP_WORDS=(ttv generate --ou); COMP_CWORD=2; _ttv_completion ttv\n"
        'printf "reply:%s\\n" "${COMPREPLY[@]}"\n'
        "COMP_WORDS=(ttv mod); COMP_CWORD=1; _ttv_completion ttv\n"
        'printf "reply:%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {
        **os.environ,
        "PATH": f"{TTV.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONWARNINGS": "ignore",
    }
    out = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", driver],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "complete -o default -F _ttv_completion ttv" in out.stdout
    replies = [
        ln.removeprefix("reply:") for ln in out.stdout.splitlines() if ln.startswith("reply:")
    ]
    assert replies == ["--output", "modules"]


@pytest.mark.parametrize("shell", SHELLS)
def test_every_shell_gets_a_script(shell):
    out = subprocess.run(
        [str(TTV), "completion", shell], capture_output=True, text=True, check=True, timeout=60
    )
    assert COMPLETE_VAR in out.stdout and "ttv" in out.stdout


def test_unknown_shell_is_a_usage_error():
    out = subprocess.run(
        [str(TTV), "completion", "tcsh"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert "tcsh" in out.stderr and "bash" in out.stderr


def test_install_writes_the_script_to_the_start_up_file(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONWARNINGS": "ignore"}
    out = subprocess.run(
        [str(TTV), "completion", "bash", "--install"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    script = tmp_path / ".bash_completions" / "ttv.sh"
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    assert "complete -o default -F _ttv_completion ttv" in script.read_text()
    assert str(script) in out.stdout
