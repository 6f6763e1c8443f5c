"""`train` and `evaluate`: adapt the style model and measure quality against baselines."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from msgcheck.cli.common import (
    ExitStatus,
    cache_option,
    echo,
    embedder_and_nlp,
    platform_option,
    platform_path_from,
    style_option,
)


@click.command()
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
    from msgcheck.errors import Code, ConfigError
    from msgcheck.style.examples import bundled_training_files, load_examples
    from msgcheck.style.train import encode_examples
    from msgcheck.style.train import train as fit

    files = [] if no_bundled else [str(p) for p in bundled_training_files()]
    files += list(data)
    if not files:
        raise ConfigError("no training data: pass --data FILE", code=Code.DATA_TOO_FEW)
    from collections import Counter

    from msgcheck.model import STYLES, normalise_text
    from msgcheck.style.examples import MIN_PER_CLASS

    examples = []
    seen: dict[str, str] = {}
    for f in files:
        for ex in load_examples(f, min_per_class=1, require_all_classes=False):
            key = normalise_text(ex.text).lower()
            if key in seen:
                raise ConfigError(f"duplicate text (also at {seen[key]})", path=ex.source,
                                  code=Code.DATA_DUPLICATE)
            seen[key] = ex.source
            examples.append(ex)
    counts = Counter(e.style for e in examples)
    if any(counts.get(s, 0) < MIN_PER_CLASS for s in STYLES):
        got = ", ".join(f"{s}={counts.get(s, 0)}" for s in STYLES)
        raise ConfigError(f"too few examples: at least {MIN_PER_CLASS} per class needed ({got})",
                          path=", ".join(files), code=Code.DATA_TOO_FEW)
    embedder, nlp = embedder_and_nlp(no_cache)
    model = fit(encode_examples(examples, embedder, nlp), embedder.identity)
    tmp = Path(output).with_suffix(".tmp")
    tmp.write_text(model.to_json(), encoding="utf-8")
    tmp.replace(output)
    echo(f"wrote {output}: {len(examples)} examples from {len(files)} files", err=True)
    return int(ExitStatus.OK)


@click.command()
@click.option("--data", "data", multiple=True, type=click.Path(), metavar="FILE",
              help="Labelled sentences (.csv or .jsonl: text, style[, pillar]). Repeatable.")
@platform_option
@click.option("--pillar-set", "pillar_sets", multiple=True, type=click.Path(file_okay=False),
              metavar="DIR", help="A folder with platform.yaml and claims.jsonl. Repeatable.")
@click.option("--corpus", "corpora", multiple=True, type=click.Path(), metavar="DIR",
              help="A real-copy corpus: platform.yaml and labels.jsonl. Repeatable.")
@click.option("--examples-per-pillar", "examples", multiple=True, type=click.IntRange(min=0),
              metavar="N", help="With --corpus: teach msgcheck N of the company's own lines per "
              "pillar as examples and score the rest (repeatable: a learning curve).")
@click.option("--seeds", type=click.IntRange(min=1), default=1, show_default=True, metavar="K",
              help="With --examples-per-pillar: repeat over K seeded draws of the examples and "
              "pool them (small corpora give noisy single draws).")
@click.option("--cv", "cv_folds", type=click.IntRange(min=2), default=None, metavar="K",
              help="Also cross-validate the training recipe (K folds) on msgcheck's own "
                   "training data plus --data.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True)
@cache_option
@style_option
def evaluate(data: tuple[str, ...], platform_path: str | None, pillar_sets: tuple[str, ...],
             corpora: tuple[str, ...], examples: tuple[int, ...], seeds: int,
             cv_folds: int | None, fmt: str, no_cache: bool, style_model: str | None) -> int:
    """Score style, pillars and alignment on labelled data, next to baselines.

    Every figure comes from the code `classify` runs. Style rows are scored for pain / feature /
    neutral; rows with a `pillar` column are also scored for pillar matching against --platform;
    --corpus scores real companies' copy (docs/quality.md).
    """
    from msgcheck import evaluate as ev
    from msgcheck.errors import Code, ConfigError
    from msgcheck.style.examples import load_examples

    if not (data or pillar_sets or corpora or cv_folds):
        raise ConfigError("nothing to evaluate: pass --data FILE, --pillar-set DIR, --corpus DIR "
                          "or --cv K", code=Code.NOTHING_TO_EVALUATE)
    settings = engine_settings_for_evaluation(no_cache, style_model)
    judge = ev.engine_judge(settings)
    examples_in = [e for f in data for e in load_examples(f, min_per_class=1)]
    labelled = [ev.load_labelled_platform(Path(d)) for d in pillar_sets]
    labelled += _data_pillar_set(examples_in, platform_path)
    loaded = [ev.load_corpus(Path(d)) for d in corpora]
    embedder, nlp = embedder_and_nlp(no_cache)
    style = (ev.style_report(examples_in, judge, ev.style_only_platform(), embedder)
             if examples_in and not cv_folds else None)
    pillars = [ev.pillar_report(lp, judge, embedder) for lp in labelled]
    held = max(examples or (0,))
    reports = [ev.corpus_report(c, judge, embedder, n, seed, held)
               for n in (examples or (0,)) for c in loaded for seed in range(seeds)]
    if seeds > 1:  # one row per corpus and N, pooled over the draws
        reports = [ev.pooled([r for r in reports if r.name == c.name
                              and r.examples_per_pillar == n], c.name)
                   for n in (examples or (0,)) for c in loaded]
    cv = _cross_validation(examples_in, cv_folds, embedder, nlp) if cv_folds else None
    if fmt == "json":
        out: dict[str, Any] = {"style": style, "pillars": pillars}
        if pillars:
            out["pillars_summary"] = ev.summarise_pillars(pillars)
        if reports:
            out["corpora"] = [r.to_dict() for r in reports]
            out["corpora_summary"] = [ev.pooled([r for r in reports if r.examples_per_pillar == n])
                                      .to_dict() for n in (examples or (0,))]
        if cv is not None:
            out["cross_validation"] = cv
        echo(json.dumps(out, indent=2))
        return int(ExitStatus.OK)
    text = ev.render_text(style, pillars) if style or pillars else ""
    if reports:
        pooled = [ev.pooled([r for r in reports if r.examples_per_pillar == n])
                  for n in (examples or (0,))] if len(loaded) > 1 else []
        text += ("\n" if text else "") + ev.render_corpora([*reports, *pooled])
    if cv is not None:
        text += (f"\nCross-validation ({cv_folds} folds, {cv['n']} sentences): macro-F1 "
                 f"{cv['macro_f1']:.3f}, accuracy {cv['accuracy']:.3f}\n")
    echo(text)
    return int(ExitStatus.OK)


def engine_settings_for_evaluation(no_cache: bool, style_model: str | None) -> Any:
    """The settings `classify` would use, with an explicit style model or the bundled one."""
    from msgcheck.embed import default_cache_dir
    from msgcheck.pipeline import Settings

    return Settings(style_model=style_model or os.environ.get("MSGCHECK_STYLE_MODEL"),
                    cache_dir=None if no_cache else default_cache_dir())


def _data_pillar_set(examples: list[Any], platform_path: str | None) -> list[Any]:
    """Rows of --data that carry a pillar, as a labelled platform (needs --platform)."""
    from msgcheck.errors import Code, ConfigError
    from msgcheck.evaluate import LabelledPlatform
    from msgcheck.platform import load_platform

    with_pillar = [e for e in examples if e.pillar]
    if not with_pillar:
        return []
    if not (platform_path or os.environ.get("MSGCHECK_PLATFORM")):
        raise ConfigError("rows carry a pillar column: pass --platform to score them",
                          code=Code.NOTHING_TO_EVALUATE)
    platform = load_platform(platform_path_from(platform_path))
    unknown = {e.pillar for e in with_pillar} - {p.id for p in platform.pillars} - {
        "off_platform"}
    if unknown:
        bad = next(e for e in with_pillar if e.pillar in unknown)
        raise ConfigError(f"unknown pillar {bad.pillar!r} (not in {platform.path})",
                          path=bad.source, code=Code.DATA_UNKNOWN_LABEL)
    return [LabelledPlatform(
        "--data", platform, tuple(e.text for e in with_pillar),
        tuple(str(e.pillar) for e in with_pillar), tuple(e.style for e in with_pillar))]


def _cross_validation(examples: list[Any], folds: int, embedder: Any, nlp: Any) -> Any:
    from msgcheck.style.examples import bundled_training_files, load_examples
    from msgcheck.style.train import cross_validate, encode_examples

    pool = [e for f in bundled_training_files() for e in load_examples(f)] + examples
    return cross_validate(encode_examples(pool, embedder, nlp), embedder.identity, folds=folds)
