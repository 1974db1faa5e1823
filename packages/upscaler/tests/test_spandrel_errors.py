"""The spandrel backend's checks that need neither torch nor spandrel installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from ttv_contracts.errors import TTVError
from ttv_upscaler import SpandrelUpscaler

# -- errors that need neither torch nor spandrel -------------------------------------------


def test_missing_weights_path_option() -> None:
    with pytest.raises(TTVError) as info:
        SpandrelUpscaler()
    assert info.value.code == "TTV-E020"


def test_weights_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(TTVError) as info:
        SpandrelUpscaler(weights_path=str(tmp_path / "nope.pth"))
    assert info.value.code == "TTV-E020"


def test_weights_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(TTVError) as info:
        SpandrelUpscaler(weights_path=str(tmp_path))
    assert info.value.code == "TTV-E020"


def test_unknown_weights_format(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"x")
    with pytest.raises(TTVError) as info:
        SpandrelUpscaler(weights_path=str(bad))
    assert info.value.code == "TTV-E320"


@pytest.mark.parametrize(
    "options", [{"tile": 4}, {"tile": 1.5}, {"tile_overlap": -1}, {"half": "yes"}, {"model": "x"}]
)
def test_bad_options(tmp_path: Path, options) -> None:
    w = tmp_path / "m.pth"
    w.write_bytes(b"x")
    with pytest.raises(TTVError) as info:
        SpandrelUpscaler(weights_path=str(w), **options)
    assert info.value.code == "TTV-E002"


def test_missing_extra_is_e022(tmp_path: Path) -> None:
    # Simulate an install without the extra: block torch and spandrel imports.
    w = tmp_path / "m.pth"
    w.write_bytes(b"x")
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "sys.modules['spandrel'] = None\n"
        "import importlib.util\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda n, *a: None if n in ('torch', 'spandrel') else real(n, *a)\n"
        "from ttv_contracts.errors import TTVError\n"
        "from ttv_upscaler import SpandrelUpscaler\n"
        "try:\n"
        f"    SpandrelUpscaler(weights_path={str(w)!r})\n"
        "except TTVError as e:\n"
        "    print(e.code, 'ttv-upscaler[spandrel]' in str(e))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.split() == ["TTV-E022", "True"], out.stderr


def test_import_does_not_import_torch() -> None:
    code = (
        "import sys, ttv_upscaler\n"
        "from ttv_upscaler import LanczosUpscaler\n"
        "list(LanczosUpscaler().upscale(iter([__import__('numpy').zeros((4,4,3),'uint8')]), 16, 16))\n"
        "print('torch' in sys.modules, 'spandrel' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.split() == ["False", "False"], out.stderr
