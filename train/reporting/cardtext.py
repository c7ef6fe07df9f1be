"""The fixed prose of the model card: what each task is for, its limitations, its example (also the hub
widget's), the tested library range and the citations (:mod:`train.reporting.cardbody` puts them in
place)."""

from __future__ import annotations

import functools
import re
from importlib import resources

CITATIONS_FILE = "citations.bib"

TASKS: dict[str, dict[str, str]] = {
    "ner": {
        "tag": "ner",
        "task_name": "Named Entity Recognition",
        "summary": (
            "tags named entities in Modern Standard Arabic text: persons (PERS), locations (LOC), "
            "organizations (ORG) and miscellaneous entities (MISC), following the ANERcorp guidelines."
        ),
        "intended": (
            "Intended for extracting people, places, organizations and other named entities from Modern "
            "Standard Arabic news, for example to index, search or link articles, or as one step of an "
            "information-extraction pipeline."
        ),
        "example": "زار الرئيس الفرنسي إيمانويل ماكرون القاهرة يوم الأحد والتقى بممثلي جامعة الدول العربية.",
    },
    "claims": {
        "tag": "number-claims",
        "task_name": "Number Claim Extraction",
        "summary": (
            "tags number claims in Arabic news text: the quantity expression (QTY), what is counted "
            "(ENT) and the time scope the figure refers to (TIME). It finds the parts of a numeric "
            "statement so that it can be checked; it does not judge whether the statement is true."
        ),
        "intended": (
            "Intended for surfacing numeric claims in Arabic news so that journalists and fact-checkers can "
            "review them: a first pass before verification, not a substitute for it."
        ),
        "example": "ارتفع عدد سكان مصر إلى 105 ملايين نسمة في عام 2023.",
    },
}

# tests/test_compat.py loads the folders fit writes, and runs the usage code below, in these versions.
TESTED_RANGE = "Loads with transformers 4.45-4.57 and 5.x (tested, with the `pipeline` example above)."

RECORDS_USAGE = """

Whole articles into normalized claim records (value, bounds, approximate, vague, kind, unit, what is
counted, when), sentence by sentence and past the pipeline's length limit, with the training project
installed:

```python
from train.inference.tagger import Tagger
records = Tagger(claims="{repo_id}")([article_text])
```"""

COMMON_LIMITATIONS = [
    "Trained and evaluated on Modern Standard Arabic news. Expect lower accuracy on dialectal Arabic, "
    "social media, classical or religious texts, transcribed speech and Arabizi (Arabic in Latin script); "
    "the model has not been evaluated on them.",
    "Labels are assigned to whole words as written, clitics included (`والعراق` is one word). Word-level "
    'scores assume the same whitespace-and-punctuation word split; the pipeline\'s `aggregation_strategy="first"` '
    "labels each word by its first sub-word, as in training.",
    "The tokenizer removes diacritics and tatweel (and reads Arabic-Indic and Persian digits as 0-9). The pipeline's "
    'word grouping (`aggregation_strategy` `"first"`, `"average"` or `"max"`) takes a token for the continuation of '
    "the previous word whenever it differs in length from the text it covers, so a word written with diacritics or "
    "tatweel is merged into the word before it. For such text, use the project's `train.inference.tagger.Tagger` (the "
    "training word split, offsets into the text as written), or remove the marks before calling the pipeline.",
    "Inputs longer than the model's maximum sequence length are truncated by the pipeline unless you split them "
    "into sentences first or pass `stride` (e.g. `pipeline(..., stride=32)`).",
    "The model reflects the topics, period and sources of its training data and may under-perform on "
    "names, places and organizations that are rare or absent there.",
]

TASK_LIMITATIONS: dict[str, list[str]] = {
    "ner": [
        "ANERcorp is a small corpus of news from the mid-2000s; its MISC class is heterogeneous and its "
        "annotation has known inconsistencies, so MISC scores are the least reliable.",
    ],
    "claims": [
        "The training data are silver: labels were produced automatically and only partly checked by people, "
        "so the model inherits their systematic errors. Treat its output as candidates for review, not facts.",
        "It extracts the parts of a numeric claim; it does not verify the figure, resolve what a relative time "
        '("last year") refers to, or normalise numbers written in words.',
        "Used alone (e.g. through `pipeline`), it now and then tags a word that is no number (`وملف`) as QTY. "
        "The project's `python -m train tag` drops every QTY whose text its normalizer reads as no number "
        "and turns the rest into records; do the same, or expect such strays.",
    ],
}


@functools.cache
def citations() -> dict[str, str]:
    """``{key: BibTeX entry}`` of ``train/reporting/citations.bib`` (``inoue-etal-2021-interplay``, ...)."""
    text = resources.files(__package__).joinpath(CITATIONS_FILE).read_text(encoding="utf-8")
    entries = [entry.strip() for entry in re.split(r"\n(?=@)", text) if entry.strip().startswith("@")]
    return {entry[entry.index("{") + 1 : entry.index(",")]: entry for entry in entries}
