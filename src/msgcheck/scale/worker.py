"""The worker side of a Dask run: one Engine per worker process, and the batch task.

Only `msgcheck.scale` imports this module, and only once Dask is known to be installed: it
subclasses `distributed.WorkerPlugin`. Workers unpickle the plugin and the task by reference to
this module, so the engine cache below lives once per worker process and every task finds it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from distributed import WorkerPlugin

from msgcheck.analysis import Analysis, PlatformIndex
from msgcheck.errors import InputError
from msgcheck.feedback import Feedback
from msgcheck.model import ClaimResult, Document, Finding
from msgcheck.pipeline import Engine, Ref, Settings, read_refs
from msgcheck.platform import MessagePlatform


@dataclass(frozen=True)
class Job:
    """What a worker needs to build the run's Engine; shipped once per worker, not per task."""

    token: str
    """Names the run (its engine in the cache, its plugin on the scheduler)."""
    platform: MessagePlatform
    """The platform as loaded from its file (the feedback is taught on the worker)."""
    settings: Settings
    """The run's settings; `cache_dir` is a path on each worker's machine."""
    reviews: Feedback
    """The reviewed findings beside the platform, read by the client."""


@dataclass(frozen=True)
class Part:
    """One batch analysed and checked: an Analysis without the platform index (the client has
    it once), and the batch's findings."""

    documents: tuple[Document, ...]
    results: tuple[ClaimResult, ...]
    vectors: np.ndarray
    errors: tuple[InputError, ...]
    term_uses: dict[Any, np.ndarray] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    def analysis(self, index: PlatformIndex) -> Analysis:
        """The part as an Analysis against `index`."""
        return Analysis(index.platform, index, self.documents, self.results, self.vectors,
                        self.errors, self.term_uses)


_JOBS: dict[str, Job] = {}
_ENGINES: dict[str, Engine] = {}
LOAD_SECONDS: dict[str, float] = {}
"""Seconds each run's engine took to build in this process (models and platform index)."""
_LOCK = threading.Lock()


def engine_for(token: str) -> Engine:
    """The run's Engine in this process, built on first use (once: the lock holds the others)."""
    with _LOCK:
        engine = _ENGINES.get(token)
        if engine is None:
            job = _JOBS[token]
            start = time.perf_counter()
            engine = Engine(job.platform, job.settings, reviews=job.reviews)
            engine.get_nlp()
            _ = engine.index
            LOAD_SECONDS[token] = time.perf_counter() - start
            _ENGINES[token] = engine
        return engine


class EnginePlugin(WorkerPlugin):
    """Registered with the client: each worker (and each one that joins or restarts later)
    starts loading the run's models as soon as it has the job."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def setup(self, worker: Any) -> None:
        _JOBS[self.job.token] = self.job
        # Off the worker's event loop, which must keep answering the scheduler meanwhile.
        threading.Thread(target=engine_for, args=(self.job.token,), name="msgcheck-load",
                         daemon=True).start()

    def teardown(self, worker: Any) -> None:
        with _LOCK:
            _ENGINES.pop(self.job.token, None)
            _JOBS.pop(self.job.token, None)


def check_batch(token: str, refs: Sequence[Ref], root: str) -> Part:
    """Read, analyse and check a batch of inputs (the task every worker runs); relative paths
    are read from `root`, the client's working folder, and keep the names the client gave."""
    documents, errors = read_refs(refs, root=Path(root))
    engine = engine_for(token)
    analysis = engine.analyze(documents, errors)
    return Part(analysis.documents, analysis.results, analysis.vectors, analysis.errors,
                analysis.term_uses, tuple(engine.check(analysis)))


def platform_index(token: str) -> PlatformIndex:
    """The embedded, calibrated platform, as the workers have it (the client loads no model)."""
    return engine_for(token).index


def load_seconds(token: str) -> float | None:
    """How long this worker took to build the run's engine (None if it has not yet)."""
    return LOAD_SECONDS.get(token)
