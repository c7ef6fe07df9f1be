"""The model card's section on claim records (a claims model only): the claim-level figures of each split that
``evaluate`` scored (:mod:`train.evaluation.claimmetric`: the rule tagger, this model with its learned linker,
and this model with the rule linker), and the accuracy of its learned linker (``linker.json``) against the rule
linker on the gold links it was trained and selected on.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from train.reporting.tables import markdown_table
from train.reporting.text import CLAIM_COLUMNS, figure_cell

RULE_LINKER = " (rule linker)"  # the suffix of a model's row scored with the rule linker (train.evaluation.claims)


def own_key(results: Mapping[str, Any], model_dir: Path) -> str | None:
    """The key of ``model_dir``'s row in a ``claims_eval_<split>.json`` (the folder as ``evaluate`` was given it,
    which scores several models into each one's file); ``None`` when it has none."""
    for key, result in results.items():
        if key != "rules" and isinstance(result, dict) and "(" not in key and Path(key).resolve() == Path(model_dir).resolve():
            return key
    return None


def own_rows(results: Mapping[str, Any], model_dir: Path) -> dict[str, Any]:
    """A ``claims_eval_<split>.json`` cut to what the card of ``model_dir`` shows: the counts, the rules, and
    this model's rows (:func:`own_key`) renamed ``this model`` and ``this model, rule linker``."""
    kept = {"articles": results["articles"], "gold_qty": results["gold_qty"], "systems": {"rules": results["rules"]}}
    if (key := own_key(results, model_dir)) is not None:
        kept["systems"]["this model"] = results[key]
        if key + RULE_LINKER in results:
            kept["systems"]["this model, rule linker"] = results[key + RULE_LINKER]
    return kept


def _split_table(systems: Mapping[str, Any]) -> str:
    body = [
        [name, *(figure_cell(result["claim"]["figures"]["all"][column]) for column in CLAIM_COLUMNS.values())]
        for name, result in systems.items()
    ]
    return markdown_table(["system", *CLAIM_COLUMNS], body)


def _linker_table(info: Mapping[str, Any]) -> str:
    body = []
    for split, views in (info.get("accuracy") or {}).items():
        for view, kinds in (views or {}).items():
            for kind, figures in (kinds or {}).items():
                if figures:  # a split or view with no gold links has none
                    body.append(
                        [
                            split,
                            view,
                            kind,
                            str(figures["links"]),
                            f"{100 * figures['learned']:.1f}",
                            f"{100 * figures['rule']:.1f}",
                        ]
                    )
    return markdown_table(["split", "candidates", "link", "gold links", "learned %", "rule linker %"], body)


def claims_section(claims: Mapping[str, Mapping[str, Any]], linker: Mapping[str, Any] | None) -> str:
    """The section's Markdown; ``claims`` maps a split to its :func:`own_rows`."""
    parts = [
        "A claim counts only when its `QTY` span, its value and bounds, and its linked `ENT` and `TIME` (each exact, "
        "or both absent) all match the gold; link accuracy is on the matched spans. In brackets: 95% bootstrap "
        "intervals over articles."
    ]
    for split, results in claims.items():
        parts.append(
            f"### {split} ({results['articles']} articles, {results['gold_qty']} gold `QTY`)\n\n"
            + _split_table(results["systems"])
        )
    if linker:
        parts.append(
            "### Learned linker\n\n`linker.safetensors` scores, for each `QTY`, the `ENT` and `TIME` spans of its sentence "
            "(and none) from this encoder's states; `tag` and `Tagger` use it (plain `pipeline` does not). Share of gold "
            "links chosen right, with the gold spans or this model's spans as candidates:\n\n" + _linker_table(linker)
        )
    return "\n\n".join(parts)
