"""The command line: the only module that prints, reads the environment or exits.

`main(argv)` returns the exit status instead of raising SystemExit, so tests call it directly:
0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage, configuration or platform
error. User mistakes print `error[CODE] place: message` and a hint; `--debug` shows tracebacks.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from enum import IntEnum
from pathlib import Path
from typing import Any

import click

from msgcheck import __version__
from msgcheck.errors import MsgcheckError

FAIL_ON = ("error", "warning", "suggestion", "never")
FORMATS = ("text", "json", "sarif", "markdown", "html")


class ExitStatus(IntEnum):
    """Process exit codes; never the same code for 'found problems' and 'could not run'."""

    OK = 0
    FINDINGS = 1
    ERROR = 2


def _echo(text: str, err: bool = False) -> None:
    click.echo(text, err=err, nl=not text.endswith("\n"))


def _settings(ctx: click.Context | None, *, cross_asset: bool = False, **kw: Any) -> Any:
    from msgcheck.checks import CheckOptions
    from msgcheck.pipeline import Settings

    select = tuple(x for v in kw.get("select", ()) for x in v.split(",") if x)
    ignore = tuple(x for v in kw.get("ignore", ()) for x in v.split(",") if x)
    cache_dir = None
    if not kw.get("no_cache"):
        from msgcheck.embed import default_cache_dir

        cache_dir = default_cache_dir()
    return Settings(
        options=CheckOptions(select=select, ignore=ignore),
        style_model=kw.get("style_model") or os.environ.get("MSGCHECK_STYLE_MODEL"),
        cache_dir=cache_dir,
        created_at=os.environ.get("MSGCHECK_FIXED_TIME"),
        cross_asset=cross_asset,
    )


def _platform_path(value: str | None) -> str:
    value = value or os.environ.get("MSGCHECK_PLATFORM")
    if not value:
        raise click.UsageError("no platform: pass --platform PATH (or set MSGCHECK_PLATFORM)")
    return value


def fail_status(report: Any, fail_on: str) -> ExitStatus:
    """1 when any finding is at or above the `--fail-on` level."""
    if fail_on == "never":
        return ExitStatus.OK
    from msgcheck.model import Severity

    threshold = Severity(fail_on).rank
    worst = max((f.severity.rank for f in report.findings), default=0)
    return ExitStatus.FINDINGS if worst >= threshold else ExitStatus.OK


platform_option = click.option(
    "--platform", "platform_path", metavar="PATH",
    help="Message platform file, or a folder holding platform.yaml. [env: MSGCHECK_PLATFORM]")
cache_option = click.option("--no-cache", is_flag=True,
                            help="Do not read or write the embedding cache.")
style_option = click.option("--style-model", metavar="PATH",
                            help="A style model trained with `msgcheck train` (default: bundled).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="msgcheck")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Check sales decks, web pages and drafts against your message platform, by meaning."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@platform_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--select", multiple=True, metavar="PREFIX", help="Run only these check ids.")
@click.option("--ignore", multiple=True, metavar="PREFIX", help="Skip these check ids.")
@cache_option
@style_option
@click.pass_context
def scan(ctx: click.Context, paths: tuple[str, ...], platform_path: str | None, fmt: str,
         output: str | None, fail_on: str, **kw: Any) -> int:
    """Scan decks (.pptx), pages (.html) and drafts (.md, .txt); folders are recursed."""
    from msgcheck.pipeline import Engine
    from msgcheck.platform import load_platform
    from msgcheck.report import RENDERERS

    platform = load_platform(_platform_path(platform_path))
    engine = Engine(platform, _settings(ctx, cross_asset=True, **kw))
    stdin = None
    files = [p for p in paths if p != "-"]
    if "-" in paths:
        stdin = ("<stdin>", click.get_binary_stream("stdin").read())
    report = engine.run(files, stdin)
    if fmt == "text" and output is None:
        from msgcheck.report.text import render

        _echo(render(report, color=sys.stdout.isatty()))
    else:
        rendered = RENDERERS[fmt](report)
        if output:
            Path(output).write_text(rendered, encoding="utf-8")
            counts = report.counts()
            _echo(f"wrote {output}: {counts['error']} errors, {counts['warning']} warnings, "
                  f"{counts['suggestion']} suggestions", err=True)
        else:
            _echo(rendered)
    return int(fail_status(report, fail_on))


@cli.command()
@click.argument("file", required=False, default="-")
@platform_option
@cache_option
@style_option
@click.pass_context
def classify(ctx: click.Context, file: str, platform_path: str | None, **kw: Any) -> int:
    """One claim per line in, one JSON object per line out (see docs/classify.md)."""
    from msgcheck.pipeline import Engine
    from msgcheck.platform import load_platform

    platform = load_platform(_platform_path(platform_path))
    if file == "-":
        data = click.get_binary_stream("stdin").read()
        source = "<stdin>"
    else:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise MsgcheckError(f"cannot read: {exc.strerror}", path=file, code="E102") from None
        source = file
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    engine = Engine(platform, _settings(ctx, **kw))
    results = engine.classify(lines, source)
    by_line = {r.claim.location.line: (r, f) for r, f in results}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result, findings = by_line[n]
        out = {
            "text": result.claim.text,
            "style": result.style,
            "style_scores": result.style_scores,
            "pillar": result.pillar,
            "similarity": result.similarity,
            "status": result.status,
            "margin": result.margin,
            "nearest_text": result.nearest_text,
            "findings": [{"check": f.check, "severity": f.severity.value, "message": f.message}
                         for f in findings],
        }
        click.echo(json.dumps(out, ensure_ascii=False))
    return int(ExitStatus.OK)


@cli.group()
def platform() -> None:
    """Work with message platform files."""


@platform.command("validate")
@click.argument("path", required=False, default="message_platform")
def platform_validate(path: str) -> int:
    """Check a platform file: schema, ids, duplicates. Fast: loads no model."""
    from msgcheck.platform import load_platform

    loaded = load_platform(path)
    texts = len(loaded.pillar_texts)
    _echo(f"ok: {loaded.path}: {loaded.company}, {len(loaded.pillars)} pillars, {texts} pillar "
          f"texts, {len(loaded.value_proposition)} value-proposition phrasings "
          f"(digest {loaded.digest[:12]})")
    return int(ExitStatus.OK)


@cli.command("checks")
def list_checks() -> int:
    """List check ids, default severities and what each catches."""
    from msgcheck.checks import UNREADABLE, UNREADABLE_SUMMARY, all_checks

    for check in all_checks():
        _echo(f"{check.id:28} {check.severity.value:10} {check.summary}")
    _echo(f"{UNREADABLE:28} {'error':10} {UNREADABLE_SUMMARY}")
    return int(ExitStatus.OK)


@cli.command()
@click.option("--data", "data", multiple=True, type=click.Path(), metavar="FILE",
              help="Labelled examples (.csv or .jsonl: text, style[, pillar]). Repeatable.")
@click.option("--no-bundled", is_flag=True, help="Train on --data only, without msgcheck's own set.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), required=True,
              help="Where to write the model (JSON).")
@cache_option
@click.pass_context
def train(ctx: click.Context, data: tuple[str, ...], no_bundled: bool, output: str,
          no_cache: bool) -> int:
    """Train the style classifier on labelled examples; writes an inspectable JSON model."""
    from msgcheck.classify import bundled_training_files, load_examples
    from msgcheck.errors import ConfigError
    from msgcheck.training import encode_examples, train as fit

    files = [] if no_bundled else [str(p) for p in bundled_training_files()]
    files += list(data)
    if not files:
        raise ConfigError("no training data: pass --data FILE", code="E316")
    from collections import Counter

    from msgcheck.classify import MIN_PER_CLASS
    from msgcheck.model import STYLES, normalise_text

    examples = []
    seen: dict[str, str] = {}
    for f in files:
        for ex in load_examples(f, min_per_class=1, require_all_classes=False):
            key = normalise_text(ex.text).lower()
            if key in seen:
                raise ConfigError(f"duplicate text (also at {seen[key]})", path=ex.source,
                                  code="E315")
            seen[key] = ex.source
            examples.append(ex)
    counts = Counter(e.style for e in examples)
    if any(counts.get(s, 0) < MIN_PER_CLASS for s in STYLES):
        got = ", ".join(f"{s}={counts.get(s, 0)}" for s in STYLES)
        raise ConfigError(f"too few examples: at least {MIN_PER_CLASS} per class needed ({got})",
                          path=", ".join(files), code="E316")
    embedder, nlp = _embedder_and_nlp(no_cache)
    model = fit(encode_examples(examples, embedder, nlp), embedder.identity)
    tmp = Path(output).with_suffix(".tmp")
    tmp.write_text(model.to_json(), encoding="utf-8")
    tmp.replace(output)
    _echo(f"wrote {output}: {len(examples)} examples from {len(files)} files", err=True)
    return int(ExitStatus.OK)


@cli.command()
@click.option("--data", "data", multiple=True, type=click.Path(), metavar="FILE",
              help="Labelled sentences (.csv or .jsonl: text, style[, pillar]). Repeatable.")
@platform_option
@click.option("--pillar-set", "pillar_sets", multiple=True, type=click.Path(file_okay=False),
              metavar="DIR", help="A folder with platform.yaml and claims.jsonl. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@cache_option
@style_option
def evaluate(data: tuple[str, ...], platform_path: str | None, pillar_sets: tuple[str, ...],
             fmt: str, no_cache: bool, style_model: str | None) -> int:
    """Score the style model and pillar matcher on labelled data, next to baselines.

    Style rows are scored for pain / feature / neutral; rows with a `pillar` column are also
    scored for pillar matching against --platform.
    """
    from pathlib import Path as _Path

    from msgcheck.classify import load_examples, load_style_model
    from msgcheck.errors import ConfigError
    from msgcheck.evaluate import (
        LabelledPlatform,
        load_labelled_platform,
        pillar_report,
        render_text,
        style_report,
        summarise_pillars,
    )
    from msgcheck.platform import load_platform

    if not data and not pillar_sets:
        raise ConfigError("nothing to evaluate: pass --data FILE and/or --pillar-set DIR",
                          code="E317")
    model = load_style_model(style_model or os.environ.get("MSGCHECK_STYLE_MODEL"))
    examples = [e for f in data for e in load_examples(f, min_per_class=1)]
    labelled = [load_labelled_platform(_Path(d)) for d in pillar_sets]
    with_pillar = [e for e in examples if e.pillar]
    if with_pillar:
        if not (platform_path or os.environ.get("MSGCHECK_PLATFORM")):
            raise ConfigError("rows carry a pillar column: pass --platform to score them",
                              code="E317")
        platform = load_platform(_platform_path(platform_path))
        unknown = {e.pillar for e in with_pillar} - {p.id for p in platform.pillars} - {
            "off_platform"}
        if unknown:
            bad = next(e for e in with_pillar if e.pillar in unknown)
            raise ConfigError(f"unknown pillar {bad.pillar!r} (not in {platform.path})",
                              path=bad.source, code="E314")
        labelled.append(LabelledPlatform(
            "--data", platform, tuple(e.text for e in with_pillar),
            tuple(str(e.pillar) for e in with_pillar), tuple(e.style for e in with_pillar)))
    embedder, nlp = _embedder_and_nlp(no_cache)
    style = style_report(examples, model, embedder, nlp) if examples else None
    pillars = [pillar_report(lp, embedder, model, nlp) for lp in labelled]
    if fmt == "json":
        out: dict[str, Any] = {"style": style, "pillars": pillars}
        if pillars:
            out["pillars_summary"] = summarise_pillars(pillars)
        _echo(json.dumps(out, indent=2))
    else:
        _echo(render_text(style, pillars))
    return int(ExitStatus.OK)


def _embedder_and_nlp(no_cache: bool) -> tuple[Any, Any]:
    from msgcheck.embed import CachedEmbedder, EmbeddingCache, default_cache_dir, default_embedder
    from msgcheck.segment import load_nlp

    cache = None if no_cache else EmbeddingCache(default_cache_dir() / "embeddings.sqlite")
    return CachedEmbedder(default_embedder(), cache), load_nlp()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (0, 1 or 2)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        result = cli.main(args=args, prog_name="msgcheck", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(ExitStatus.ERROR)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return int(ExitStatus.ERROR)
    except MsgcheckError as exc:
        if debug:
            traceback.print_exc()
        click.echo(exc.render(), err=True)
        return int(ExitStatus.ERROR)
    except BrokenPipeError:
        return int(ExitStatus.OK)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return int(ExitStatus.ERROR)
    except Exception as exc:  # a bug, not a user mistake: say so, and how to see more
        if debug:
            traceback.print_exc()
        click.echo(f"error[E900] internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("hint: rerun with --debug for the traceback, and report it", err=True)
        return int(ExitStatus.ERROR)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
