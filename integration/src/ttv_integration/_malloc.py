"""One glibc malloc arena for the process, set as ``ttv_integration`` is imported.

Every slot implementation runs on a thread of its own (``executor.Worker``). glibc gives such
threads their own malloc arenas, and a thread arena hands a freed frame buffer back to the
kernel where the main arena keeps it: the next clip of the same size then faults and zeroes
every page again. Measured on the all-stub lesson of the orchestration bench (10 shots,
320x180 timeline, 167 MB of motion frames): the motion stub's ``np.repeat`` took 0.25 s a run
on its worker thread against 0.03 s on the main thread, 5 % of the run; with one arena, 0.03 s
on both. Large buffers are few and allocated far apart, so one arena costs no measurable lock
contention.

The limit only takes effect before threads start allocating, so it is applied at import.
``MALLOC_ARENA_MAX`` in the environment (read by glibc at start-up) wins; other C libraries
are left alone.
"""

from __future__ import annotations

import os
import sys

#: mallopt parameter number of M_ARENA_MAX (glibc malloc.h)
M_ARENA_MAX = -8


def limit_arenas(arenas: int = 1) -> bool:
    """Cap glibc's malloc arenas at ``arenas``; True when the cap was set."""
    if sys.platform != "linux" or "MALLOC_ARENA_MAX" in os.environ:
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    return bool(mallopt(M_ARENA_MAX, int(arenas)))


#: whether importing ttv_integration capped the arenas
APPLIED = limit_arenas()
