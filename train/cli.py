"""The command line: argument parsing over the pipeline's steps (:mod:`train.steps`).

python -m train data CONFIG [key=value ...]       annotated sources -> HuggingFace dataset
python -m train silver CONFIG [key=value ...]     rule tagger over ant-news -> standoff claims
python -m train fit CONFIG [key=value ...]        fine-tune, evaluate, write the model card
python -m train check CONFIG [key=value ...]      the resolved config, its sources and counts; problems
python -m train evaluate MODEL_DIR.. [--split S].. re-evaluate saved models (claims: against the rules)
python -m train evaluate MODEL_DIR.. --data CONFIG  score them on the corpora of another data config
python -m train tag --ner DIR --claims DIR FILE.. articles -> entities and claim records (JSONL)
python -m train linker MODEL_DIR [key=value ..]   train a learned linker into a claims model folder
python -m train export MODEL_DIR OUT_DIR [--int8]  a model folder -> an ONNX folder (tag --backend onnx)
python -m train quantity "TEXT"                   one quantity expression -> normalized record
python -m train push MODEL_DIR --repo-id ORG/NAME publish a model folder to the hub
python -m train portable MODEL_DIR..             re-save older model folders for transformers 4.x

Exit status: 0 done; 1 tag skipped some inputs (each named in a warning) and wrote the rest; 2 an
error the one-line message explains (bad input or config, nothing usable, tag --strict) or bad usage.
"""

from __future__ import annotations

import argparse
import logging
import sys

from train import steps
from train.config import load_config
from train.data.annotation_formats import OUTPUT_FORMATS
from train.errors import UserError
from train.inference.tagger import BACKENDS

log = logging.getLogger("train")


def _config_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "config", help="a run config (YAML), e.g. configs/ner.yaml; looked up from here, then from the project root"
    )
    parser.add_argument(
        "overrides",
        nargs="*",
        help="dotted key=value overrides of the config, e.g. train.epochs=5 train.task=claims data.sources.0.path=x.jsonl "
        "(every key: train/config/; a relative path starts at the working directory)",
    )


def _probability(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def cmd_data(args: argparse.Namespace) -> None:
    steps.data(load_config(args.config, args.overrides))


def cmd_silver(args: argparse.Namespace) -> None:
    steps.silver(load_config(args.config, args.overrides))


def cmd_fit(args: argparse.Namespace) -> None:
    steps.fit(load_config(args.config, args.overrides))


def cmd_check(args: argparse.Namespace) -> int:
    from train.check import check

    return check(args.config, args.overrides)


def cmd_evaluate(args: argparse.Namespace) -> None:
    splits = list(dict.fromkeys(args.split or ["test"]))
    if args.data and len(splits) > 1:
        raise UserError(
            "evaluate --data takes one --split (the in-domain split the other corpora are compared with); run it once per split"
        )
    for split in splits:
        steps.evaluate(args.model_dirs, split=split, data_configs=args.data, resamples=args.bootstrap, seed=args.bootstrap_seed)


def cmd_tag(args: argparse.Namespace) -> int:
    return steps.tag(
        args.files,
        ner=args.ner,
        claims=args.claims,
        output=args.output,
        table=args.table,
        batch_size=args.batch_size,
        strict=args.strict,
        output_format=args.format,
        min_score=args.min_score,
        thresholds=args.thresholds,
        backend=args.backend,
        explain=args.explain,
    ).exit_code


def cmd_linker(args: argparse.Namespace) -> None:
    steps.linker(args.model_dir, args.config, args.overrides)


def cmd_export(args: argparse.Namespace) -> None:
    steps.export(args.model_dir, args.out_dir, int8=args.int8, overwrite=args.overwrite)


def cmd_quantity(args: argparse.Namespace) -> None:
    steps.quantity(args.text)


def cmd_push(args: argparse.Namespace) -> None:
    steps.push(args.model_dir, args.repo_id, dry_run=args.dry_run, private=args.private)


def cmd_portable(args: argparse.Namespace) -> None:
    steps.portable(args.model_dirs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)

    config_commands = {  # the commands that take CONFIG [key=value ...]: help, description, function
        "data": (
            "convert the configured sources into a HuggingFace dataset",
            "Read data.sources, split by article, write the dataset to data.output (run before fit).",
            cmd_data,
        ),
        "silver": (
            "run the rule claims tagger over the silver corpus",
            "Tag silver.corpus with the rules (and write silver.augment augmented sentences), "
            "holding out the articles of the validation and test sources.",
            cmd_silver,
        ),
        "fit": (
            "fine-tune a token classifier",
            "Fine-tune on the dataset `data` wrote for the same config (train.task: ner or claims), "
            "evaluate, and write train.output_dir/model with its card.",
            cmd_fit,
        ),
        "check": (
            "print the resolved config, its sources (role, counts per split) and its problems; builds nothing",
            "Load the config as fit and data would, read its sources without writing anything, and print "
            "the resolved config, each source's role and documents/sentences per split, and one line per problem. "
            "Exit status 0: no problem (notes, such as silver data not built yet, are not problems); 2: problems.",
            cmd_check,
        ),
    }
    for name, (help_text, description, run) in config_commands.items():
        command = commands.add_parser(name, help=help_text, description=description)
        _config_arguments(command)
        command.set_defaults(run=run)

    evaluate = commands.add_parser(
        "evaluate", help="re-evaluate saved model folders; claims models are also compared with the rule tagger"
    )
    evaluate.add_argument("model_dirs", nargs="+", metavar="MODEL_DIR", help="model folders written by fit (runs/NAME/model)")
    evaluate.add_argument(
        "--split",
        action="append",
        choices=["train", "validation", "test"],
        help="the split to score (repeatable: each in turn; default: test)",
    )
    evaluate.add_argument(
        "--data",
        action="append",
        metavar="CONFIG",
        help="score on the sources of this data config instead (e.g. configs/aqmar.yaml; repeatable), through its "
        "label_map, on the types it shares with the model, beside --split scored on the same types",
    )
    evaluate.add_argument(
        "--bootstrap",
        type=int,
        metavar="N",
        help="claims: resamples of the articles for the claim figures' 95%% intervals (default 1000; 0: none)",
    )
    evaluate.add_argument("--bootstrap-seed", type=int, metavar="S", help="claims: the seed of those resamples (default 13)")
    evaluate.set_defaults(run=cmd_evaluate)

    tag = commands.add_parser(
        "tag",
        help="tag articles (text or JSONL files, or folders) into JSONL records",
        description="Exit status: 0 every input tagged; 1 some files or JSONL lines skipped (each named in a "
        "warning), the rest written; 2 nothing usable, a problem under --strict, or a usage error.",
    )
    tag.add_argument(
        "files",
        nargs="+",
        help="plain-text files (one article each) or JSONL files (one article a line: 'text', and 'docno' or 'id'), "
        "or folders of them; - reads one plain-text article from standard input",
    )
    tag.add_argument("--ner", help="NER model: a folder written by fit or a hub id (omit: no entities)")
    tag.add_argument("--claims", help="claims model: a folder written by fit or a hub id (omit: the rule tagger)")
    tag.add_argument("--output", "-o", help="output file (default: stdout)")
    tag.add_argument(
        "--format",
        default="jsonl",
        choices=OUTPUT_FORMATS,
        help="jsonl: the project's records (default); label-studio: tasks with predictions to import "
        "(labeling config data/label_studio.xml); doccano: JSONL to import (data/README.md)",
    )
    tag.add_argument("--table", action="store_true", help="also print the claims as a table (to stderr without -o)")
    tag.add_argument("--batch-size", type=int, default=64, help="windows per batch (default: %(default)s)")
    tag.add_argument("--strict", action="store_true", help="any bad file or JSONL line is an error (exit 2, nothing written)")
    tag.add_argument(
        "--min-score",
        type=_probability,
        help="drop entities, claims and claim links scoring below this (0-1; a score is the mean probability of the "
        "span's words; the rules' claims have none and are kept)",
    )
    tag.add_argument(
        "--thresholds",
        metavar="FILE",
        help="YAML of the least score per label (PERS, LOC, ORG, MISC, QTY, ENT, TIME) and min_score for the rest; "
        "--min-score replaces its min_score",
    )
    tag.add_argument(
        "--backend",
        choices=BACKENDS,
        default="torch",
        help="torch, or onnx: folders written by `export`, run by onnxruntime (the [onnx] extra) (default: %(default)s)",
    )
    tag.add_argument(
        "--explain",
        action="store_true",
        help="add to each claim record an 'explain' field: the rules (or the claims model) that made its QTY, ENT "
        "and TIME spans, and how its ENT and TIME were linked, among which candidates (JSONL only)",
    )
    tag.set_defaults(run=cmd_tag)

    export = commands.add_parser(
        "export",
        help="export a model folder to ONNX (for tag --backend onnx and onnxruntime)",
        description="Write OUT_DIR: model.onnx (dynamic batch and sequence axes), the tokenizer, config.json and the "
        "model card; written whole or not at all. Needs the [onnx] extra: pip install 'arabic-claims-train[onnx]'.",
    )
    export.add_argument("model_dir", help="a model folder written by fit (runs/NAME/model) or a hub id")
    export.add_argument("out_dir", help="the ONNX folder to write")
    export.add_argument("--int8", action="store_true", help="int8 weights (onnxruntime dynamic quantization)")
    export.add_argument("--overwrite", action="store_true", help="replace OUT_DIR if it exists (default: refuse)")
    export.set_defaults(run=cmd_export)

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

    linker = commands.add_parser(
        "linker",
        help="train the learned linker of a claims model folder on the gold links of its dataset",
        description="Encode the gold-linked sentences of the prepared dataset with the folder's (frozen) claims model, "
        "train the linker head (train.linker), pick it by validation accuracy, and write linker.safetensors and "
        "linker.json into the folder (tag and evaluate then use it). fit does the same for a new claims model.",
    )
    linker.add_argument("model_dir", help="a claims model folder written by fit (runs/NAME/model)")
    linker.add_argument(
        "overrides", nargs="*", help="dotted key=value overrides, e.g. train.linker.steps=500 data.output=runs/data/x"
    )
    linker.add_argument(
        "--config", help="the run config whose data.output holds the dataset (default: the folder's run_config.yaml)"
    )
    linker.set_defaults(run=cmd_linker)

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
        return args.run(args) or 0  # a command may return 1: done, with inputs skipped (tag)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a path that cannot be written or read (a folder given as -o, no permission)
        print(f"error: {error}", file=sys.stderr)
        return 2
