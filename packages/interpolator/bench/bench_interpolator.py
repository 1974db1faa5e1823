"""Interpolator bench: ``flow`` (each preset) and ``blend`` against FFmpeg's ``minterpolate``.

A front end to the repository's interpolation benchmark set, ``bench/interpolation.py``
(the one implementation: clips, minterpolate through PyAV, scoring and timing live there,
and ``bench/run.py`` reports the same numbers). This runs it with every ``flow`` preset as
well as the default, on the same clips, each method against minterpolate measured in the
same run. Options are those of ``bench/interpolation.py`` (``--clips``, ``--rounds``,
``--methods``).

Run: ``python packages/interpolator/bench/bench_interpolator.py [--clips objects natural]``
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "bench"


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(BENCH))
    import interpolation

    interpolation.main(argv, methods=("flow", "flow-medium", "flow-ultrafast", "blend"))


if __name__ == "__main__":
    main()
