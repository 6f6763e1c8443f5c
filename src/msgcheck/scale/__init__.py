"""Scale-out on Dask: the same scan, its batches read, analysed and checked on workers.

`scheduler` is `local` or `local:N` (a cluster of N worker processes on this machine, one thread
each; N defaults to the CPU count) or the address of a running scheduler (`tcp://host:8786`).
The client discovers the inputs, plans batches (a path every worker can reach, the bytes for
stdin, or the Documents a crawl has already read), and finishes the report from the merged parts: the reviewed-feedback notes, the
unreadable inputs and the cross-asset sections need every document, the checks do not. It loads
no model: the platform index comes from a worker.

A worker that dies is replaced and its batch retried elsewhere (up to `ALLOWED_FAILURES` times,
on a local cluster; a running scheduler uses its own setting). A batch that keeps killing its
workers is retried one input at a time, so only the input that kills them is lost: it becomes
an `io.unreadable` finding. Dask is imported only here and in `scale.worker`, and only when a
run asks for it. docs/scale.md has the deployment and the measurements.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from msgcheck.errors import Code, ConfigError, InputError, MsgcheckError
from msgcheck.model import Document, Report
from msgcheck.pipeline import (
    Progress,
    Ref,
    Settings,
    finish,
    input_refs,
    merge_analyses,
    reviews_for,
    strict_errors,
)
from msgcheck.platform import MessagePlatform

LOCAL = "local"
BATCH_FILES = 64
"""Inputs per batch at most: enough to keep a worker's embedding batches full."""
BATCH_BYTES = 32 * 2**20
"""Bytes per batch at most (decks and PDFs are large for the text they hold)."""
BATCHES_PER_WORKER = 4
"""Fewer inputs per batch when a corpus would give a worker fewer batches than this: the last
batches then end close together instead of one worker finishing a long one alone."""
ALLOWED_FAILURES = 2
"""Worker deaths a task survives on a local cluster before it counts as killing workers."""
CONNECT_TIMEOUT = 8
"""Seconds to reach a running scheduler before the run gives up."""
INSTALL_HINT = "pip install 'msgcheck[dask]'"


def local_workers(scheduler: str) -> int | None:
    """The number of workers `local[:N]` asks for, or None for a scheduler address."""
    if scheduler != LOCAL and not scheduler.startswith(LOCAL + ":"):
        if "://" not in scheduler:
            raise ConfigError(f"scheduler: {scheduler!r} is neither local[:N] nor an address "
                              "like tcp://host:8786", code=Code.CONFIG_VALUE)
        return None
    count = scheduler.partition(":")[2]
    if not count:
        return os.cpu_count() or 1
    if not count.isdigit() or int(count) < 1:
        raise ConfigError(f"scheduler: {scheduler!r}: N in local:N is a number of workers, "
                          "1 or more", code=Code.CONFIG_VALUE)
    return int(count)


def batch_files(inputs: int, workers: int) -> int:
    """Inputs per batch: BATCH_FILES, or fewer so every worker gets BATCHES_PER_WORKER."""
    share = -(-inputs // (max(workers, 1) * BATCHES_PER_WORKER))
    return max(1, min(BATCH_FILES, share))


def plan_batches(refs: Sequence[Ref], files: int = BATCH_FILES,
                 max_bytes: int = BATCH_BYTES) -> list[list[Ref]]:
    """Consecutive inputs in batches of at most `files` inputs and about `max_bytes` bytes (an
    input larger than that is a batch of its own)."""
    batches: list[list[Ref]] = []
    size = 0
    for ref in refs:
        weight = _size(ref)
        if not batches or len(batches[-1]) >= files or (size + weight > max_bytes
                                                        and batches[-1]):
            batches.append([])
            size = 0
        batches[-1].append(ref)
        size += weight
    return batches


def _size(ref: Ref) -> int:
    if isinstance(ref, Document):
        return sum(len(b.text) for b in ref.blocks)
    if not isinstance(ref, str):
        return len(ref[1])
    try:
        return os.path.getsize(ref)
    except OSError:
        return 0


def check_scheduler(scheduler: str) -> None:
    """Refuse, before any work, a scheduler value that is neither `local[:N]` nor an address,
    and a run on Dask without Dask installed."""
    local_workers(scheduler)
    _require_dask()


def _require_dask() -> None:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise MsgcheckError("--scheduler needs Dask, which is not installed",
                            code=Code.SCALE_MISSING, hint=INSTALL_HINT) from None


@contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A Dask client: on a new local cluster, or on the running scheduler at an address."""
    workers = local_workers(scheduler)
    _require_dask()
    import logging

    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        if workers is not None:
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                    Client(cluster) as client:
                yield client
            return
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise MsgcheckError(f"cannot reach the scheduler at {scheduler} within "
                                f"{CONNECT_TIMEOUT} s ({type(exc).__name__})",
                                code=Code.SCHEDULER_UNREACHABLE,
                                hint="start one with `dask scheduler`, or use --scheduler local"
                                ) from None
        with client:
            yield client


def run(paths: Sequence[str | Path], stdin: tuple[str, bytes] | None,
        platform: MessagePlatform, settings: Settings, scheduler: str,
        progress: Progress | None = None) -> Report:
    """`Engine.run` on a Dask cluster: the same report, the work spread over its workers."""
    refs, errors, skipped = input_refs(paths, stdin)
    unread = strict_errors(skipped) if settings.strict else []
    report = _run_refs(refs, errors, unread, platform, settings, scheduler, progress)
    return dataclasses.replace(report, skipped=tuple(skipped))


def analyse_documents(platform: MessagePlatform, settings: Settings,
                      documents: Sequence[Document], scheduler: str,
                      progress: Progress | None = None) -> Report:
    """`Engine.report(Engine.analyze(documents))` on a Dask cluster, for documents already read
    (crawled pages): they travel with their batches, so the workers need not reach their
    source."""
    return _run_refs(list(documents), [], [], platform, settings, scheduler, progress)


def _run_refs(refs: Sequence[Ref], errors: Sequence[InputError], late: Sequence[InputError],
              platform: MessagePlatform, settings: Settings, scheduler: str,
              progress: Progress | None) -> Report:
    """Check `refs` in batches on the cluster and finish the report here: `errors` are the
    inputs that were never found, `late` the errors that follow the unreadable ones."""
    reviews = reviews_for(platform, settings)
    with connect(scheduler) as client:
        from msgcheck.scale.worker import EnginePlugin, Job, platform_index

        job = Job(uuid.uuid4().hex, platform, settings, reviews)
        name = f"msgcheck-{job.token}"
        client.register_plugin(EnginePlugin(job), name=name)
        try:
            index = client.submit(platform_index, job.token, pure=False).result()
            workers = len(client.scheduler_info()["workers"])
            batches = plan_batches(refs, batch_files(len(refs), workers))
            parts = gather(client, job.token, batches, progress)
        finally:
            client.unregister_worker_plugin(name)
    unread = [e for p in parts for e in p.errors] + list(late)
    analysis = merge_analyses([p.analysis(index) for p in parts], index,
                              list(errors) + unread)
    return finish(analysis, [f for p in parts for f in p.findings], settings, reviews)


def gather(client: Any, token: str, batches: Sequence[Sequence[Ref]],
           progress: Progress | None = None) -> list[Any]:
    """Run every batch, gathering the parts as they complete, in batch order. A batch whose task
    killed workers too often is split into single inputs; a single input that does is
    unreadable."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    from msgcheck.scale.worker import Part, check_batch

    total = sum(len(b) for b in batches)
    root = os.getcwd()  # relative paths are the client's: workers read them from here
    work: dict[Any, tuple[tuple[int, ...], Sequence[Ref]]] = {}
    for i, batch in enumerate(batches):
        work[client.submit(check_batch, token, batch, root, pure=False)] = ((i,), batch)
    done: dict[tuple[int, ...], Any] = {}
    pending = as_completed(list(work))
    for future in pending:
        place, batch = work.pop(future)
        try:
            done[place] = future.result()
        except KilledWorker:
            if len(batch) > 1:
                for j, ref in enumerate(batch):
                    retry = client.submit(check_batch, token, [ref], root, pure=False)
                    work[retry] = ((*place, j), [ref])
                    pending.add(retry)
                continue
            done[place] = Part((), (), _empty_vectors(), (_crashed(batch[0]),))
        if progress is not None:
            progress("check", sum(len(p.documents) + len(p.errors) for p in done.values()),
                     total)
    return [done[place] for place in sorted(done)]


def _crashed(ref: Ref) -> InputError:
    name = ref if isinstance(ref, str) else ref.source if isinstance(ref, Document) else ref[0]
    return InputError("reading it ended the worker's process each time it was tried (the "
                      "scheduler's allowed-failures, plus one)", path=name,
                      code=Code.INPUT_CRASHED,
                      hint="try it alone without --scheduler to see why")


def _empty_vectors() -> Any:
    import numpy as np

    return np.zeros((0, 0), dtype=np.float32)
