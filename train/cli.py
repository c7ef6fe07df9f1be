"""The command line: a thin layer over the importable steps.

python -m train data CONFIG [key=value ...]       annotated sources -> HuggingFace dataset
python -m train silver CONFIG [key=value ...]     rule tagger over ant-news -> standoff claims
python -m train fit CONFIG [key=value ...]        fine-tune, evaluate, write the model card
python -m train evaluate MODEL_DIR.. [--split S] re-evaluate saved models (claims: against the rules)
python -m train tag --ner DIR --claims DIR FILE.. articles -> entities and claim records (JSONL)
python -m train quantity "TEXT"                   one quantity expression -> normalized record
python -m train push MODEL_DIR --repo-id ORG/NAME publish a model folder to the hub
python -m train portable MODEL_DIR..             re-save older model folders for transformers 4.x
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from train.config import load_config
from train.errors import UserError

log = logging.getLogger("train")


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def _config_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "config", help="a run config (YAML), e.g. configs/ner.yaml; looked up from here, then from the project root"
    )
    parser.add_argument(
        "overrides",
        nargs="*",
        help="dotted key=value overrides of the config, e.g. train.epochs=5 train.task=claims data.sources.0.path=x.jsonl "
        "(every key: train/config.py)",
    )


def cmd_data(args: argparse.Namespace) -> None:
    from train.dataset import format_counts, prepare_data

    config = load_config(args.config, args.overrides)
    output, counts = prepare_data(config)
    print(format_counts(counts))
    print(f"dataset written to {_shown(output)}")


def cmd_silver(args: argparse.Namespace) -> None:
    from train.silver import silver_from_config

    output, counts = silver_from_config(load_config(args.config, args.overrides))
    print(json.dumps(counts, ensure_ascii=False))
    print(f"silver claims written to {_shown(output)}")


def cmd_fit(args: argparse.Namespace) -> None:
    from train.fit import fit

    config = load_config(args.config, args.overrides)
    output = fit(config)
    print(f"model written to {_shown(output)}")


def cmd_evaluate(args: argparse.Namespace) -> None:
    from train.claims_eval import report_claims
    from train.evaluation import evaluate_model, model_task

    folders = [Path(folder) for folder in args.model_dirs]
    for folder in folders:
        evaluate_model(folder, split=args.split)
    if claims := [folder for folder in folders if model_task(folder) == "claims"]:
        report_claims(claims, args.split)


def cmd_tag(args: argparse.Namespace) -> None:
    from train.tagging import tag_files

    tag_files(args.files, ner=args.ner, claims=args.claims, output=args.output, table=args.table, batch_size=args.batch_size)


def cmd_quantity(args: argparse.Namespace) -> None:
    from train.quantity import parse_quantity

    print(json.dumps(parse_quantity(args.text).to_dict(), ensure_ascii=False))


def cmd_push(args: argparse.Namespace) -> None:
    from train.push import push

    for line in push(Path(args.model_dir), args.repo_id, dry_run=args.dry_run, private=args.private):
        print(line)


def cmd_portable(args: argparse.Namespace) -> None:
    from train.portable import make_portable

    for folder in args.model_dirs:
        if not (Path(folder) / "tokenizer.json").is_file():
            raise UserError(f"{folder}: no tokenizer.json; pass a model folder written by fit (runs/NAME/model)")
        fixed = make_portable(folder)
        print(f"{folder}: " + ("; ".join(f"fixed: {problem}" for problem in fixed) or "already loads in transformers 4.x"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser(
        "data",
        help="convert the configured sources into a HuggingFace dataset",
        description="Read data.sources, split by article, write the dataset to data.output (run before fit).",
    )
    _config_arguments(data)
    data.set_defaults(run=cmd_data)

    silver = commands.add_parser(
        "silver",
        help="run the rule claims tagger over the silver corpus",
        description="Tag silver.corpus with the rules (and write silver.augment augmented sentences), "
        "holding out the articles of the validation and test sources.",
    )
    _config_arguments(silver)
    silver.set_defaults(run=cmd_silver)

    fit = commands.add_parser(
        "fit",
        help="fine-tune a token classifier",
        description="Fine-tune on the dataset `data` wrote for the same config (train.task: ner or claims), "
        "evaluate, and write train.output_dir/model with its card.",
    )
    _config_arguments(fit)
    fit.set_defaults(run=cmd_fit)

    evaluate = commands.add_parser(
        "evaluate", help="re-evaluate saved model folders; claims models are also compared with the rule tagger"
    )
    evaluate.add_argument("model_dirs", nargs="+", metavar="MODEL_DIR", help="model folders written by fit (runs/NAME/model)")
    evaluate.add_argument(
        "--split", default="test", choices=["train", "validation", "test"], help="the split to score (default: %(default)s)"
    )
    evaluate.set_defaults(run=cmd_evaluate)

    tag = commands.add_parser("tag", help="tag articles (text or JSONL files, or folders) into JSONL records")
    tag.add_argument(
        "files",
        nargs="+",
        help="plain-text files (one article each) or JSONL files (one article a line: 'text', and 'docno' or 'id'), "
        "or folders of them; - reads one plain-text article from standard input",
    )
    tag.add_argument("--ner", help="NER model: a folder written by fit or a hub id (omit: no entities)")
    tag.add_argument("--claims", help="claims model: a folder written by fit or a hub id (omit: the rule tagger)")
    tag.add_argument("--output", "-o", help="JSONL output file (default: stdout)")
    tag.add_argument("--table", action="store_true", help="also print the claims as a table (to stderr without -o)")
    tag.add_argument("--batch-size", type=int, default=64, help="windows per batch (default: %(default)s)")
    tag.set_defaults(run=cmd_tag)

    quantity = commands.add_parser("quantity", help="normalize one Arabic quantity expression")
    quantity.add_argument("text")
    quantity.set_defaults(run=cmd_quantity)

    push = commands.add_parser(
        "push",
        help="upload a model folder to the HuggingFace hub",
        description="Upload a model folder (the token: $HF_TOKEN or `hf auth login`); --dry-run needs no token.",
    )
    push.add_argument("model_dir", help="a model folder written by fit (runs/NAME/model)")
    push.add_argument("--repo-id", required=True, help="ORG/NAME of the model repo (created if missing)")
    push.add_argument("--dry-run", action="store_true", help="list what would be uploaded, upload nothing")
    push.add_argument("--private", action="store_true", help="create the repo private")
    push.set_defaults(run=cmd_push)

    portable = commands.add_parser(
        "portable",
        help="re-save a model folder's tokenizer files so that transformers 4.45+ loads it too",
        description="Rewrite, in place, the tokenizer files of folders written by older versions of the project "
        "(fit now writes them so); the weights and the tokens are unchanged.",
    )
    portable.add_argument("model_dirs", nargs="+", metavar="MODEL_DIR", help="model folders written by fit")
    portable.set_defaults(run=cmd_portable)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    try:
        args.run(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
