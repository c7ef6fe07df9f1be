"""The pipeline's steps, each composing the stages into what one command of ``python -m train`` does
(:mod:`train.cli` only parses the arguments): the stages compute and return results, reporting renders
and writes them, and a step prints what the user is told.

data      sources -> dataset folder with its card (one atomic write)
silver    rule tagger over the silver corpus -> standoff claims
fit       training -> model folder with its evaluation and card (one atomic write)
evaluate  saved models re-scored on a split, on other corpora, and (claims) against the rules
tag       articles -> JSONL records (or an annotation tool's format), and the claims table
linker    a claims model folder + the dataset's gold links -> its learned linker
export    a model folder -> an ONNX folder with its card (one atomic write)
quantity, push, portable
check     a config resolved and checked, nothing built (its own module, :mod:`train.check`)
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from train.config import RunConfig, load_config
from train.data.articles import DataError
from train.errors import UserError
from train.inference.tagger import JSONL_SUFFIXES, TEXT_SUFFIXES, Tagged, Tagger, collect_files, read_documents
from train.io import atomic_write_jsonl
from train.reporting import text

if TYPE_CHECKING:
    from train.data.dataset import Counts

log = logging.getLogger(__name__)


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def write_dataset(config: RunConfig) -> tuple[Path, Counts]:
    """The dataset of ``config`` with its card, written whole or not at all; its folder and counts."""
    from train.data.dataset import prepare_data
    from train.reporting.datacard import write_dataset_card

    return prepare_data(config, finish=lambda folder, counts: write_dataset_card(folder, config, counts))


def data(config: RunConfig) -> None:
    output, counts = write_dataset(config)
    print(text.counts_table(counts))
    print(f"dataset written to {_shown(output)}")


def silver(config: RunConfig) -> None:
    from train.claims.silver import silver_from_config

    output, counts = silver_from_config(config)
    print(json.dumps(counts, ensure_ascii=False))
    print(f"silver claims written to {_shown(output)}")


def fit(config: RunConfig) -> Path:
    """Train, then evaluate the model on validation and test and write the results and the card into its
    folder, inside the same atomic write."""
    from train.evaluation.evaluate import evaluate_splits
    from train.reporting.results import write_evaluation
    from train.training.fit import fit as train

    def finish(folder: Path, model, tokenizer, dataset) -> None:
        evaluations = evaluate_splits(config, dataset, model, tokenizer)
        for evaluation in evaluations:
            print(text.split_report(evaluation))
        write_evaluation(folder, config, evaluations)

    output = train(config, finish=finish)
    print(f"model written to {_shown(output)}")
    return output


def _check_model_folders(folders: list[Path]) -> None:
    """A :class:`UserError` naming the first folder that is not a model folder written by ``fit``."""
    if missing := [folder for folder in folders if not (folder / "run_config.yaml").is_file()]:
        raise UserError(f"{missing[0]}: no run_config.yaml; pass a model folder written by fit (runs/NAME/model)")


def evaluate(
    model_dirs: list[Path],
    split: str = "test",
    data_configs: list[str] | None = None,
    resamples: int | None = None,
    seed: int | None = None,
) -> None:
    """Re-score saved models on ``split``, or on the corpora of ``data_configs``; claims models are also
    compared with the rule tagger on the gold claims articles, the claim figures with a bootstrap interval
    of ``resamples`` draws from ``seed`` (None: :data:`train.evaluation.claims.BOOTSTRAP`'s)."""
    from train.evaluation.evaluate import evaluate_model, model_task
    from train.reporting import results

    folders = [Path(folder) for folder in model_dirs]
    _check_model_folders(folders)
    if data_configs:
        from train.evaluation.crossdomain import evaluate_cross_domain

        for folder in folders:
            scored = evaluate_cross_domain(folder, data_configs, split=split)
            print(text.cross_domain_report(scored))
            results.write_cross_domain(folder, load_config(folder / "run_config.yaml"), scored)
        return
    for folder in folders:
        evaluations = evaluate_model(folder, split=split)
        for evaluation in evaluations:
            print(text.split_report(evaluation))
        results.write_evaluation(folder, load_config(folder / "run_config.yaml"), evaluations)
    if claims := [folder for folder in folders if model_task(folder) == "claims"]:
        from train.evaluation.claims import BOOTSTRAP, evaluate_claims

        given = {"resamples": resamples, "seed": seed}
        bootstrap = BOOTSTRAP._replace(**{key: value for key, value in given.items() if value is not None})
        compared = evaluate_claims(claims, load_config(claims[0] / "run_config.yaml"), split, bootstrap)
        print(text.claims_report(compared, split, str(claims[0])))
        if compared["articles"]:
            results.write_claims_evaluation(claims, split, compared)


def tag(
    inputs: list[str],
    *,
    ner: str | None,
    claims: str | None,
    output: str | None,
    table: bool,
    batch_size: int = 64,
    strict: bool = False,
    output_format: str = "jsonl",
    min_score: float | None = None,
    thresholds: str | None = None,
    backend: str = "torch",
    explain: bool = False,
) -> Tagged:
    """Tag the articles of ``inputs``; bad files and JSONL lines are skipped with a warning each (with
    ``strict``, any of them is a :class:`DataError` and nothing is written). The records are written as
    JSONL, or in an annotation tool's import format (``output_format``: label-studio, doccano;
    :mod:`train.data.annotation_formats`); ``min_score`` and the YAML file ``thresholds`` filter by score
    (:mod:`train.inference.scoring`); ``explain`` adds to each JSONL claim record why it was tagged and
    linked (:class:`train.inference.tagger.Tagger`)."""
    from train.inference.scoring import load_thresholds

    if explain and output_format != "jsonl":
        raise UserError(f"--explain adds a field to the JSONL records; {output_format} has no place for it (drop --format)")
    limits = load_thresholds(thresholds, min_score)
    files = collect_files(inputs)
    documents, skipped = read_documents(files)
    for message in skipped:
        log.warning("skipped %s", message)
    if strict and skipped:
        raise DataError(f"--strict: {len(skipped)} input problem(s), listed above; nothing tagged")
    if not documents:
        raise DataError(
            f"no article to tag in {' '.join(inputs)}: "
            + (
                "every input was skipped (see the warnings above)"
                if skipped
                else f"no file ending in {', '.join(sorted(TEXT_SUFFIXES | JSONL_SUFFIXES - {''}))}"
            )
        )
    if not ner:
        log.info("no --ner model: articles are tagged for claims only (entities empty)")
    if not claims:
        log.info("no --claims model: claims come from the rule tagger")
    records = Tagger(ner, claims, batch_size, limits, backend=backend, explain=explain).tag_documents(documents)
    if output_format != "jsonl":
        from train.data.annotation_formats import model_version, write_tagged

        write_tagged(output_format, [(d.id, d.text) for d in documents], records, output, model_version(ner, claims))
    elif output:
        atomic_write_jsonl(Path(output), records)
        log.info("%d articles tagged (%d inputs skipped) -> %s", len(records), len(skipped), output)
    else:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    if table:  # beside JSONL on stdout, the table goes to stderr
        print(text.claims_table(records), file=sys.stdout if output else sys.stderr)
    return Tagged(records, skipped)


def linker(model_dir: str, config_path: str | None = None, overrides: list[str] | None = None) -> None:
    """Train the learned linker of a claims model folder on the gold links of the dataset of its run config
    (or of ``config_path``), with ``overrides``, and write it into the folder."""
    from train.training.linker import add_linker

    _check_model_folders([Path(model_dir)])
    config = load_config(config_path or Path(model_dir) / "run_config.yaml", overrides or [])
    if not config.train.linker.enabled:
        raise UserError("train.linker.enabled is false: drop the override (or set it true) to train a linker")
    trained = add_linker(Path(model_dir), config)
    if trained is None:
        raise DataError(
            f"{_shown(config.path(config.data.output))}: no gold links in the train split (claim_links); prepare the "
            "dataset with this version (python -m train data CONFIG) from sources whose gold records name their links"
        )
    print(json.dumps(trained.info["accuracy"], indent=2))
    print(f"learned linker written to {model_dir}")


def export(model_dir: str, out_dir: str, *, int8: bool = False, overwrite: bool = False) -> Path:
    """The ONNX folder of a model, with the model's card and a section on the export."""
    from train.inference.onnx import export_onnx
    from train.reporting.modelcard import write_export_card

    output = export_onnx(
        model_dir, out_dir, int8=int8, overwrite=overwrite, finish=lambda folder: write_export_card(Path(model_dir), folder, int8)
    )
    print(f"{'int8' if int8 else 'fp32'} ONNX model written to {_shown(output.resolve())}")
    return output


def quantity(expression: str) -> None:
    from train.claims.quantity import parse_quantity

    print(json.dumps(parse_quantity(expression).to_dict(), ensure_ascii=False))


def push(model_dir: str, repo_id: str, *, dry_run: bool = False, private: bool = False) -> None:
    from train.reporting.push import push as publish

    for line in publish(Path(model_dir), repo_id, dry_run=dry_run, private=private):
        print(line)


def portable(model_dirs: list[str]) -> None:
    from train.inference.portable import make_portable

    for folder in model_dirs:
        if not (Path(folder) / "tokenizer.json").is_file():
            raise UserError(f"{folder}: no tokenizer.json; pass a model folder written by fit (runs/NAME/model)")
        fixed = make_portable(folder)
        print(f"{folder}: " + ("; ".join(f"fixed: {problem}" for problem in fixed) or "already loads in transformers 4.x"))
