"""Rich progress display: one bar per stage."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class RichProgress:
    def __init__(self) -> None:
        self._p = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=False,
        )
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> RichProgress:
        self._p.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._p.stop()

    def start(self, stage: str, total: int) -> None:
        if stage in self._tasks:
            self._p.reset(self._tasks[stage], total=total)
        else:
            self._tasks[stage] = self._p.add_task(stage, total=total)

    def advance(self, stage: str, n: int = 1) -> None:
        if stage in self._tasks:
            self._p.advance(self._tasks[stage], n)

    def finish(self, stage: str) -> None:
        if stage in self._tasks:
            task = self._p.tasks[self._tasks[stage]]
            self._p.update(self._tasks[stage], completed=task.total)
