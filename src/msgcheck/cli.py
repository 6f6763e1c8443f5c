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


config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             metavar="FILE", help="A msgcheck.toml (or pyproject.toml) to use.")
fail_on_option = click.option(
    "--fail-on", type=click.Choice(FAIL_ON), default=None,
    help="Exit 1 when a finding is at or above this severity. [default: error]")
select_option = click.option("--select", multiple=True, metavar="PREFIX",
                             help="Run only checks whose id starts with this (repeatable).")
ignore_option = click.option("--ignore", multiple=True, metavar="PREFIX",
                             help="Skip checks whose id starts with this (repeatable).")


def _split(values: tuple[str, ...]) -> list[str]:
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


def _resolve_config(paths: tuple[str, ...], *, platform_path: str | None,
                    config_path: str | None, fail_on: str | None, select: tuple[str, ...],
                    ignore: tuple[str, ...], style_model: str | None) -> Any:
    """Merged settings (flags > env > --config > nearest file > defaults), check ids validated."""
    from msgcheck.checks import UNREADABLE, all_checks
    from msgcheck.config import resolve, validate_check_ids

    config = resolve(
        flags={"platform": platform_path, "fail-on": fail_on, "select": _split(select),
               "ignore": _split(ignore), "style-model": style_model},
        config_path=config_path,
        first_input=paths[0] if paths else None,
    )
    validate_check_ids(config, [c.id for c in all_checks()] + [UNREADABLE])
    return config


def _engine_settings(config: Any, *, no_cache: bool, cross_asset: bool) -> Any:
    from msgcheck.config import OptionsResolver
    from msgcheck.embed import default_cache_dir
    from msgcheck.pipeline import Settings

    resolver = OptionsResolver(config)
    return Settings(
        options=resolver.base(),
        options_for=resolver if config.overrides else None,
        style_model=config.values["style-model"],
        cache_dir=None if no_cache else default_cache_dir(),
        created_at=os.environ.get("MSGCHECK_FIXED_TIME"),
        cross_asset=cross_asset,
    )


def _load_config_platform(config: Any) -> Any:
    from msgcheck.platform import load_platform

    path = config.values["platform"]
    if not path:
        raise click.UsageError(
            "no platform: pass --platform PATH, set MSGCHECK_PLATFORM, or add "
            "`platform = ...` to msgcheck.toml")
    return load_platform(path)


def _write_or_print(rendered: str, output: str | None, report: Any) -> None:
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
        counts = report.counts()
        _echo(f"wrote {output}: {counts['error']} errors, {counts['warning']} warnings, "
              f"{counts['suggestion']} suggestions", err=True)
    else:
        _echo(rendered)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@platform_option
@config_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@fail_on_option
@select_option
@ignore_option
@cache_option
@style_option
def scan(paths: tuple[str, ...], platform_path: str | None, config_path: str | None, fmt: str,
         output: str | None, fail_on: str | None, select: tuple[str, ...],
         ignore: tuple[str, ...], no_cache: bool, style_model: str | None) -> int:
    """Scan decks, pages and drafts, with the cross-asset report; folders are recursed.

    Reads .pptx, .docx, .md, .html, .htm and .txt; `-` reads stdin as text.
    """
    from msgcheck.pipeline import Engine
    from msgcheck.report import RENDERERS

    config = _resolve_config(paths, platform_path=platform_path, config_path=config_path,
                             fail_on=fail_on, select=select, ignore=ignore,
                             style_model=style_model)
    platform = _load_config_platform(config)
    engine = Engine(platform, _engine_settings(config, no_cache=no_cache, cross_asset=True))
    stdin = None
    files = [p for p in paths if p != "-"]
    if "-" in paths:
        stdin = ("<stdin>", sys.stdin.buffer.read())
    report = engine.run(files, stdin)
    if fmt == "text" and output is None:
        from msgcheck.report.text import render

        _echo(render(report, color=sys.stdout.isatty()))
    else:
        _write_or_print(RENDERERS[fmt](report), output, report)
    return int(fail_status(report, config.values["fail-on"]))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@platform_option
@config_option
@click.option("--format", "fmt", type=click.Choice(("text", "json", "sarif", "markdown")),
              default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@fail_on_option
@select_option
@ignore_option
@click.option("--stdin-name", default="<stdin>", show_default=True, metavar="NAME",
              help="Name (and format, by suffix) for `-`: e.g. draft.md.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Report only findings not recorded in this baseline.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False),
              metavar="FILE", help="Record today's findings as the baseline, then exit 0.")
@click.option("--no-daemon", is_flag=True,
              help="Do not hand the check to a running `msgcheck serve`.")
@cache_option
@style_option
def check(paths: tuple[str, ...], platform_path: str | None, config_path: str | None,
          fmt: str, output: str | None, fail_on: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], stdin_name: str, baseline_path: str | None,
          write_baseline: str | None, no_daemon: bool, no_cache: bool,
          style_model: str | None) -> int:
    """Pre-publish gate: check drafts and decks; linter output and exit codes.

    Reads .md, .html, .htm, .txt, .docx and .pptx, or `-` for stdin (see --stdin-name).
    Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: the run could not be
    judged (no platform, bad config, or no input could be read).
    """
    from msgcheck import baseline as baselines
    from msgcheck.report import RENDERERS

    config = _resolve_config(paths, platform_path=platform_path, config_path=config_path,
                             fail_on=fail_on, select=select, ignore=ignore,
                             style_model=style_model)
    known: set[str] | None = None
    if baseline_path:
        known, header = baselines.load(baseline_path)
    stdin = None
    files = [p for p in paths if p != "-"]
    if "-" in paths:
        stdin = (stdin_name, sys.stdin.buffer.read())
    from msgcheck.pipeline import Engine

    platform = _load_config_platform(config)
    engine = Engine(platform, _engine_settings(config, no_cache=no_cache, cross_asset=False))
    report = engine.run(files, stdin)
    if baseline_path and known is not None:
        if header.get("platform_digest") not in (None, report.platform_digest):
            _echo(f"note: {baseline_path} was written against another platform version; "
                  "findings are still matched by fingerprint", err=True)
        import dataclasses

        report = dataclasses.replace(report, findings=baselines.new_findings(report.findings,
                                                                             known))
    readable = [d for d in report.documents if d.kind != "unreadable"]
    if not readable:
        for f in report.findings:
            _echo(f"error{f.message[:6]} {f.location.source}: {f.message[7:]}"
                  if f.message.startswith("[E") else f"error: {f.location}: {f.message}",
                  err=True)
        return int(ExitStatus.ERROR)
    if write_baseline:
        n = baselines.write(report, write_baseline)
        _echo(f"wrote {write_baseline}: {n} findings accepted as the baseline", err=True)
        return int(ExitStatus.OK)
    if fmt == "text":
        from msgcheck.report.lint import render

        rendered = render(report)
        if output:
            Path(output).write_text(rendered, encoding="utf-8")
        elif rendered:
            _echo(rendered)
        counts = report.counts()
        claims = sum(d.claims for d in readable)
        _echo(f"{counts['error']} errors, {counts['warning']} warnings, {counts['suggestion']} "
              f"suggestions in {len(report.documents)} files ({claims} claims)", err=True)
    else:
        _write_or_print(RENDERERS[fmt](report), output, report)
    return int(fail_status(report, config.values["fail-on"]))


@cli.command("config")
@click.argument("path", required=False, default=".")
@platform_option
@config_option
@fail_on_option
@select_option
@ignore_option
@style_option
def show_config(path: str, platform_path: str | None, config_path: str | None,
                fail_on: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
                style_model: str | None) -> int:
    """Print the merged settings for PATH and where each value came from."""
    from msgcheck.config import describe

    config = _resolve_config((path,), platform_path=platform_path, config_path=config_path,
                             fail_on=fail_on, select=select, ignore=ignore,
                             style_model=style_model)
    _echo(describe(config))
    return int(ExitStatus.OK)


@cli.command()
@click.argument("file", required=False, default="-")
@platform_option
@cache_option
@style_option
def classify(file: str, platform_path: str | None, no_cache: bool,
             style_model: str | None) -> int:
    """One claim per line in, one JSON object per line out (see docs/classify.md)."""
    from msgcheck.pipeline import Engine

    config = _resolve_config((file,), platform_path=platform_path, config_path=None,
                             fail_on=None, select=(), ignore=(), style_model=style_model)
    platform = _load_config_platform(config)
    if file == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise MsgcheckError(f"cannot read: {exc.strerror}", path=file, code="E102") from None
        source = file
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    engine = Engine(platform, _engine_settings(config, no_cache=no_cache, cross_asset=False))
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
@click.option("--markdown", is_flag=True, help="Print the reference page (docs/checks.md).")
def list_checks(markdown: bool) -> int:
    """List check ids, default severities and what each catches."""
    from msgcheck.checks import UNREADABLE, UNREADABLE_SUMMARY, all_checks, reference_markdown

    if markdown:
        _echo(reference_markdown())
        return int(ExitStatus.OK)
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
@click.option("--cv", "cv_folds", type=click.IntRange(min=2), default=None, metavar="K",
              help="Also cross-validate the training recipe (K folds) on msgcheck's own "
                   "training data plus --data.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@cache_option
@style_option
def evaluate(data: tuple[str, ...], platform_path: str | None, pillar_sets: tuple[str, ...],
             cv_folds: int | None, fmt: str, no_cache: bool, style_model: str | None) -> int:
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

    if not data and not pillar_sets and not cv_folds:
        raise ConfigError("nothing to evaluate: pass --data FILE, --pillar-set DIR or --cv K",
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
    style = style_report(examples, model, embedder, nlp) if examples and not cv_folds else None
    pillars = [pillar_report(lp, embedder, model, nlp) for lp in labelled]
    cv = None
    if cv_folds:
        from msgcheck.classify import bundled_training_files
        from msgcheck.training import cross_validate, encode_examples

        pool = [e for f in bundled_training_files() for e in load_examples(f)] + examples
        cv = cross_validate(encode_examples(pool, embedder, nlp), embedder.identity,
                            folds=cv_folds)
    if fmt == "json":
        out: dict[str, Any] = {"style": style, "pillars": pillars}
        if pillars:
            out["pillars_summary"] = summarise_pillars(pillars)
        if cv is not None:
            out["cross_validation"] = cv
        _echo(json.dumps(out, indent=2))
    else:
        text = render_text(style, pillars)
        if cv is not None:
            text += (f"\nCross-validation ({cv_folds} folds, {cv['n']} sentences): macro-F1 "
                     f"{cv['macro_f1']:.3f}, accuracy {cv['accuracy']:.3f}\n")
        _echo(text)
    return int(ExitStatus.OK)


def _embedder_and_nlp(no_cache: bool) -> tuple[Any, Any]:
    from msgcheck.embed import default_cache_dir
    from msgcheck.pipeline import default_engine_embedder
    from msgcheck.segment import load_nlp

    return default_engine_embedder(None if no_cache else default_cache_dir()), load_nlp()


@cli.command("serve")
@click.option("--socket", "socket_file", type=click.Path(dir_okay=False), metavar="PATH",
              help="Unix socket to listen on. [default: in the msgcheck cache folder]")
@click.option("--idle-timeout", type=float, default=3600.0, show_default=True,
              help="Stop after this many seconds without a request (0: never).")
@platform_option
def serve_command(socket_file: str | None, idle_timeout: float,
                  platform_path: str | None) -> int:
    """Keep the models loaded so `msgcheck check` answers fast (a daemon, like ruff's).

    `check` uses a running server automatically (same results: it runs the same code); stop it
    with Ctrl-C. --platform embeds that platform up front.
    """
    from msgcheck.serve import serve, socket_path

    path = Path(socket_file) if socket_file else socket_path()
    try:
        serve(path, idle_timeout, platform_path or os.environ.get("MSGCHECK_PLATFORM"),
              lambda m: _echo(m, err=True))
    except RuntimeError as exc:
        raise MsgcheckError(str(exc), code="E503") from None
    return int(ExitStatus.OK)


from msgcheck.cli_crawl import crawl as _crawl  # noqa: E402  (the commands import lazily)
from msgcheck.cli_crawl import history as _history  # noqa: E402

cli.add_command(_crawl)
cli.add_command(_history)


def _forward_to_daemon(args: list[str]) -> int | None:
    """`check` goes to a running `msgcheck serve` when there is one (before heavy imports)."""
    if not args or args[0] != "check" or "--no-daemon" in args or "--help" in args or \
            "-h" in args or os.environ.get("MSGCHECK_NO_DAEMON"):
        return None
    from msgcheck.serve import forward

    answer = forward(args)
    if answer is None:
        return None
    code, out, err = answer
    if out:
        sys.stdout.write(out)
    if err:
        sys.stderr.write(err)
    return code


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (0, 1 or 2)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    forwarded = _forward_to_daemon(args)
    if forwarded is not None:
        return forwarded
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
