"""Nothing a run starts outlives it: worker threads, the cache writer, the render thread and
every implementation instance end with the run, over many runs in one process and in a
batch worker that renders lesson after lesson. Cache keys follow the implementation's code."""

from __future__ import annotations

import dataclasses
import gc
import json
import shutil
import sys
import threading
import time
import weakref
from pathlib import Path

from ttv_contracts.stubs import StubEmotion
from ttv_contracts.v1 import ModuleInfo, SlotImplementation
from ttv_integration import Pipeline, Registry, load_lesson
from ttv_integration.config import load_config


def _ttv_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("ttv-"))


def _live_implementations() -> list[str]:
    gc.collect()
    return [type(o).__name__ for o in gc.get_objects() if isinstance(o, SlotImplementation)]


def _settle() -> None:
    deadline = time.monotonic() + 5
    while _ttv_threads() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_many_runs_in_one_process_leave_no_thread_or_instance(
    tmp_path, small_overrides, lesson_file
):
    made: list[weakref.ref] = []
    closed: list[str] = []

    class TrackedEmotion(StubEmotion):
        info = ModuleInfo(slot="emotion", name="tracked", version="1.0.0", package="tests")

        def __init__(self, **options):
            super().__init__(**options)
            made.append(weakref.ref(self))

        def close(self) -> None:
            closed.append(threading.current_thread().name)

    registry = Registry(eps=[])
    registry.register("emotion", "tracked", TrackedEmotion)
    cfg = load_config(profile="stub", use={"emotion": "tracked"}, overrides=small_overrides)
    before = _ttv_threads()
    for i in range(6):
        report = Pipeline(cfg, registry=registry).run(
            load_lesson(lesson_file), tmp_path / f"o{i}.mp4", run_dir=tmp_path / f"run{i}"
        )
        assert report.status == "ok"
        _settle()
        assert _ttv_threads() == before, _ttv_threads()
    gc.collect()
    assert len(made) == 6 and all(ref() is None for ref in made)
    # close() ran once per instance, on the instance's own thread
    assert closed == ["ttv-emotion-tracked"] * 6
    assert not [n for n in _live_implementations() if n == "TrackedEmotion"]


def test_a_batch_worker_rendering_lesson_after_lesson_leaks_nothing(tmp_path):
    from ttv_integration.batch import make_jobs, render_lesson

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for i in range(4):
        (lessons / f"l{i}.json").write_text(
            json.dumps(
                {
                    "title": f"Lesson {i}",
                    "scenes": [{"setting": "a lab", "text": f"Water boils {i} times."}],
                }
            )
        )
    cfg = load_config(
        profile="stub",
        overrides={
            "width": 128,
            "height": 72,
            "timeline_width": 64,
            "timeline_height": 36,
            "store_dir": str(tmp_path / "stores"),
        },
    )
    before_threads, before_impls = _ttv_threads(), len(_live_implementations())
    for job in make_jobs(lessons, tmp_path / "out", cfg):
        record = render_lesson(dataclasses.asdict(job), events=[])
        assert record["status"] == "ok", record
        _settle()
        assert _ttv_threads() == before_threads
    assert len(_live_implementations()) == before_impls


def test_a_changed_module_is_recomputed_on_resume(tmp_path, small_overrides, lesson_file):
    """Same name, same version, different code: the cache key changes with the code."""
    from ttv_integration import code_identity

    package = tmp_path / "plugin" / "ttv_fixture_emotion"
    package.mkdir(parents=True)
    source = (
        "from ttv_contracts.stubs import StubEmotion\n"
        "from ttv_contracts.v1 import ModuleInfo\n"
        "class Fixed(StubEmotion):\n"
        "    info = ModuleInfo(slot='emotion', name='fixed', version='1.0.0', package='t')\n"
        "    BUG = {bug}\n"
    )
    (package / "__init__.py").write_text(source.format(bug=True))
    sys.path.insert(0, str(package.parent))
    try:
        import ttv_fixture_emotion

        registry = Registry(eps=[])
        registry.register("emotion", "fixed", ttv_fixture_emotion.Fixed)
        cfg = load_config(profile="stub", use={"emotion": "fixed"}, overrides=small_overrides)
        run = tmp_path / "run"
        lesson = load_lesson(lesson_file)
        Pipeline(cfg, registry=registry).run(lesson, tmp_path / "a.mp4", run_dir=run)

        def emotion_status() -> str:
            report = Pipeline(cfg, registry=registry).run(
                lesson, tmp_path / "a.mp4", run_dir=run, resume=True
            )
            return next(s.status for s in report.stages if s.stage == "emotion")

        assert emotion_status() == "reused"  # unchanged code: reused
        (package / "__init__.py").write_text(source.format(bug=False))  # the fix, same version
        code_identity.forget()
        assert emotion_status() == "ok"  # recomputed
    finally:
        sys.path.remove(str(package.parent))
        sys.modules.pop("ttv_fixture_emotion", None)
        shutil.rmtree(package.parent, ignore_errors=True)


def test_the_cache_stays_within_ten_times_the_video(tmp_path, small_overrides, lesson_file):
    cfg = load_config(profile="stub", overrides=small_overrides)
    out = tmp_path / "o.mp4"
    Pipeline(cfg).run(load_lesson(lesson_file), out, run_dir=tmp_path / "run")
    cache = sum(p.stat().st_size for p in (tmp_path / "run" / "cache").rglob("*") if p.is_file())
    assert 0 < cache <= 10 * out.stat().st_size, (cache, out.stat().st_size)


def test_stage_declarations_form_the_pipeline():
    from ttv_integration.stages import pipeline_stages

    names = [s.name for s in pipeline_stages()]
    assert names == [
        "narrative",
        "identity",
        "scene",
        "emotion",
        "sequence",
        "voice",
        "shotspec",
        "keyframe",
        "motion",
        "extender",
        "lipsync",
        "cuts",
        "transitions",
        "cues",
        "render",
        "chapters",
        "sign",
        "timeline_export",
    ]
    for stage in pipeline_stages():
        if stage.slot is not None:  # the method is the slot base class's, not a string
            assert callable(stage.method) and "." in stage.method.__qualname__
        Path(stage.run.__code__.co_filename).relative_to(Path(__file__).parents[1] / "src")
