"""The learned linker: the dataset's ``claim_links`` column, the scorer learning a rule from vectors, the word
vectors of the predictor, and end to end: ``fit`` writes it, ``python -m train linker`` adds it, ``Tagger``
uses it and says so (the ONNX fallback to the rule linker: tests/test_export.py)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import torch

from train.claims.linking import LINKER as RULE_LINKER
from train.cli import main
from train.config import LinkerSection, load_config
from train.data.articles import Article, Link
from train.data.dataset import NO_LINK, article_rows, build_dataset
from train.data.spans import Span
from train.inference.linker import FILES, Choice, Linker, choice_inputs
from train.training.linker import VIEWS, accuracy, fit_head

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = json.loads((ROOT / "data" / "gold" / "seed.jsonl").read_text(encoding="utf-8").splitlines()[0])["text"]


def test_claim_links_name_the_gold_links_in_words_of_their_sentence() -> None:
    dataset = build_dataset(load_config("configs/tiny.yaml"))
    rows = [row for part in dataset.values() for row in part]
    linked = [row for row in rows if row["claim_links"]]
    assert {row["doc_id"] for row in linked} == {"seed-000_5aed8b592000b0fd"}, "only the seed's gold records are linked"
    first = next(row for row in linked if row["id"].endswith("#0"))
    words = lambda span: " ".join(first["tokens"][span[0] : span[1]])  # noqa: E731
    assert [(words(link["qty"]), words(link["entity"]), link["time"]) for link in first["claim_links"]] == [
        ("مئات", "مقاتلي الدولة الإسلامية", NO_LINK),
        ("مئات", "رفاقهم", NO_LINK),
    ]
    assert sum(len(row["claim_links"]) for row in rows) == 17  # the seed's QTY records


def test_a_repeated_source_gives_the_linker_each_linked_sentence_once() -> None:
    from train.training.linker import linked_rows

    plain = build_dataset(load_config("configs/tiny.yaml"))["train"]
    repeated = build_dataset(load_config("configs/tiny.yaml", ["data.sources.0.repeat=4"]))["train"]
    assert sum(map(bool, repeated["claim_links"])) == 4 * sum(map(bool, plain["claim_links"])) > 0
    once = [repeated[i]["id"] for i in linked_rows(repeated)]
    assert sorted(once) == sorted(row["id"] for row in plain if row["claim_links"])
    assert sum(len(repeated[i]["claim_links"]) for i in linked_rows(repeated)) == 17  # the seed's QTY records, once


def test_an_inherited_link_is_no_link_of_the_sentence() -> None:
    text = "وصل 300 لاجئ أمس.\nوغادر 200 آخرون."
    spans = [
        Span(4, 7, "QTY", "claims"),
        Span(8, 12, "ENT", "claims"),
        Span(13, 16, "TIME", "claims"),
        Span(24, 27, "QTY", "claims"),
        Span(28, 33, "ENT", "claims"),
    ]
    links = {(4, 7): Link((8, 12), (13, 16), False, False), (24, 27): Link((28, 33), (13, 16), False, True)}
    first, second = article_rows(Article("a", text, spans, ("claims",), links=links))
    assert first["claim_links"] == [{"qty": [1, 2], "entity": [2, 3], "time": [3, 4]}]
    assert second["claim_links"] == [{"qty": [1, 2], "entity": [2, 3], "time": NO_LINK}]


def test_training_choices_leave_out_the_quantities_tag_drops_as_unreadable() -> None:
    from train.training.linker import sentence_choices

    tokens, labels = ["قال", "وملف", "300", "شخص"], ["O", "B-QTY", "B-QTY", "B-ENT"]
    choices, quantities = sentence_choices(tokens, labels, [{"qty": [2, 3], "entity": [3, 4], "time": NO_LINK}])
    assert quantities == [(2, 3)], "a stray QTY span that reads as no number is no QTY at tag time"
    assert [(c.qty, c.candidates, c.rule, c.gold) for c in choices["entity"]] == [((2, 3), [(3, 4)], (3, 4), (3, 4))]


def _synthetic(rng: random.Random, count: int, generator: torch.Generator) -> list[tuple]:
    """Sentences of random word vectors, one QTY, three ENT candidates; the gold ENT is the one right after the
    QTY (none when no candidate stands there); the "rule linker" chooses at random, so its flag misleads."""
    made = []
    for _ in range(count):
        vectors = torch.randn(16, 8, generator=generator)
        qty = (rng.randrange(2, 12), 0)
        qty = (qty[0], qty[0] + 1)
        slots = [w for w in range(16) if w not in (qty[0], qty[0] + 1)]
        candidates = sorted((w, w + 1) for w in rng.sample(slots, 2) + ([qty[1]] if rng.random() < 0.7 else []))
        gold = (qty[1], qty[1] + 1) if (qty[1], qty[1] + 1) in candidates else None
        choice = Choice(qty, candidates, rng.choice(candidates), gold)
        made.append((choice_inputs(vectors, choice, [qty]), choice))
    return made


def test_the_scorer_learns_to_link_the_candidate_right_after_the_quantity() -> None:
    rng, generator = random.Random(0), torch.Generator().manual_seed(0)

    def found(count: int) -> dict:
        made = _synthetic(rng, count, generator)
        return {VIEWS[0]: {"entity": ([x for x, _ in made], [c for _, c in made]), "time": ([], [])}}

    train, dev, test = found(300), found(60), found(200)
    head = fit_head(train, dev, LinkerSection(steps=150, learning_rate=0.01, eval_every=25), 8, seed=0)
    scored = accuracy(head, test)[VIEWS[0]]["entity"]
    assert scored["links"] == 200 and scored["learned"] >= 0.9, scored
    assert scored["rule"] < 0.6, "the misleading rule flag is not what it learned"
    assert fit_head({VIEWS[0]: {"entity": ([], []), "time": ([], [])}}, {}, LinkerSection(), 8, seed=0) is None


def test_a_view_with_no_choice_of_a_kind_leaves_the_others_to_learn_from() -> None:
    made = _synthetic(random.Random(1), 40, torch.Generator().manual_seed(1))
    found = {
        VIEWS[0]: {"entity": ([x for x, _ in made], [c for _, c in made]), "time": ([], [])},
        VIEWS[1]: {"entity": ([], []), "time": ([], [])},  # e.g. the model's spans give no candidate at all
    }
    assert fit_head(found, {}, LinkerSection(steps=5), 8, seed=0) is not None


def test_word_vectors_come_from_the_same_pass_and_onnx_has_none(claims_model: Path) -> None:
    from train.inference.models import load_trained
    from train.inference.predictor import predict_words, predict_words_with_vectors

    tokenizer, model = load_trained(claims_model, "claims")
    sentences = [["قال", "إن", "300", "شخص", "غادروا"], ["وصل", "1.26", "مليون", "طالب", "لجوء", "عام", "2015"]]
    labels, vectors = predict_words_with_vectors(model, tokenizer, sentences, batch_size=2)
    assert labels == predict_words(model, tokenizer, sentences)
    assert [v.shape for v in vectors] == [(5, model.config.hidden_size), (7, model.config.hidden_size)]
    _, alone = predict_words_with_vectors(model, tokenizer, sentences[1:], batch_size=1)
    assert torch.allclose(alone[0], vectors[1], atol=1e-4), "each sentence's vectors do not depend on its batch"
    assert predict_words_with_vectors(model, tokenizer, sentences, vectors=False)[1] is None


def test_fit_writes_a_linker_that_the_tagger_uses_and_names(claims_model: Path) -> None:
    from train.inference.tagger import Tagger

    assert all((claims_model / name).is_file() for name in FILES)
    info = Linker.load(claims_model).info
    assert info["trained_on"]["train_qty"] == 17 and info["dim"] == 64
    assert info["accuracy"]["train"]["gold spans"]["entity"]["links"] == 17
    [record] = Tagger(claims=claims_model, explain=True)([SEED_TEXT])
    claims = record["claims"]
    own = [claim["linker"][key] for claim in claims for key in ("entity", "time") if not claim[f"{key}_inherited"]]
    assert own and set(own) == {"learned"}, "every link within its sentence is the learned linker's"
    learned = claims[0]["explain"]["entity"]["learned"]
    assert learned["kept"] == "learned" and learned["candidates"]
    assert learned["none"] + sum(c["score"] for c in learned["candidates"]) == pytest.approx(1, abs=1e-3)
    chosen = max(learned["candidates"], key=lambda c: c["score"])
    if chosen["score"] > learned["none"]:
        assert (claims[0]["entity_start"], claims[0]["entity_end"]) == (chosen["start"], chosen["end"])


def test_with_a_linker_articles_are_tagged_in_passes_with_the_same_records(
    claims_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from train.inference import tagger as tagging

    texts = [SEED_TEXT, "قتل 5 أشخاص يوم الأحد.", SEED_TEXT]
    together = tagging.Tagger(claims=claims_model)(texts)
    calls = []
    monkeypatch.setattr(tagging, "LINKER_PASS", 1)  # one article a pass
    monkeypatch.setattr(
        tagging.Tagger, "_tag", lambda self, docs, tag=tagging.Tagger._tag: calls.append(len(docs)) or tag(self, docs)
    )
    apart = tagging.Tagger(claims=claims_model)(texts)
    assert calls == [1, 1, 1]
    links = [[(c["start"], c["entity_start"], c["time_start"], c["linker"]) for c in r["claims"]] for r in together]
    assert links == [[(c["start"], c["entity_start"], c["time_start"], c["linker"]) for c in r["claims"]] for r in apart]
    assert [c["score"] for r in apart for c in r["claims"]] == pytest.approx(
        [c["score"] for r in together for c in r["claims"]], abs=1e-3
    )


def test_a_hub_model_brings_its_linker_and_one_without_gets_the_rule_linker(
    claims_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub
    from huggingface_hub.errors import LocalEntryNotFoundError

    from train.inference import models
    from train.inference.tagger import Tagger

    snapshot = tmp_path / "snapshot"  # where hf_hub_download leaves a repo's files
    shutil.copytree(claims_model, snapshot)
    downloaded = []

    def download(repo_id: str, filename: str, **kwargs) -> str:
        downloaded.append((repo_id, filename))
        if not (snapshot / filename).is_file():
            raise LocalEntryNotFoundError(f"{filename} is not in the cache")
        return str(snapshot / filename)

    loading = models.load_trained
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", download)
    monkeypatch.setattr(models, "load_trained", lambda name, task=None: loading(snapshot, task))
    [record] = Tagger(claims="acme/claims")([SEED_TEXT])
    assert downloaded == [("acme/claims", name) for name in FILES]
    assert "learned" in {claim["linker"]["entity"] for claim in record["claims"]}
    for name in FILES:
        (snapshot / name).unlink()
    [record] = Tagger(claims="acme/claims")([SEED_TEXT])
    assert record["claims"] and {name for claim in record["claims"] for name in claim["linker"].values()} == {RULE_LINKER}


def test_the_linker_command_adds_a_linker_to_a_model_folder(claims_model: Path, data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(claims_model, folder, ignore=shutil.ignore_patterns(*FILES))
    assert Linker.load(folder) is None
    assert main(["linker", str(folder), f"data.output={data_dir}", "train.linker.steps=20"]) == 0
    assert Linker.load(folder).info["trained_on"]["steps"] == 20
    ner_config = [f"data.output={data_dir}", "train.task=ner", "train.linker.steps=5"]  # e.g. --config configs/data.yaml
    assert main(["linker", str(folder), *ner_config]) == 0, "the folder's model is a claims model, whatever train.task says"


def test_no_linker_when_disabled(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from train.training.fit import fit

    overrides = [f"data.output={data_dir}", "train.max_steps=2", "train.engine=fast", "train.task=claims"]
    model = fit(load_config("configs/tiny.yaml", [*overrides, "train.linker.enabled=false", f"train.output_dir={tmp_path}"]))
    assert not any((model / name).exists() for name in FILES)
    assert main(["linker", str(model), "data.output=" + str(data_dir), "train.linker.enabled=false"]) == 2
    assert "train.linker.enabled is false" in capsys.readouterr().err


def test_evaluation_scores_a_model_with_its_learned_linker_and_with_the_rule_linker(claims_model: Path) -> None:
    from train.evaluation.claimmetric import Bootstrap
    from train.evaluation.claims import evaluate_claims

    results = evaluate_claims([claims_model], load_config("configs/tiny.yaml"), "train", Bootstrap(0))
    name = str(claims_model)
    assert {name, f"{name} (rule linker)", f"{name} (raw spans)"} <= results.keys()
    learned, ruled = (results[key]["claim"]["figures"]["all"] for key in (name, f"{name} (rule linker)"))
    assert learned["qty_f1"] == ruled["qty_f1"], "the same spans"
    assert learned["entity_exact"]["value"] is not None and ruled["entity_exact"]["value"] is not None


def test_a_linker_of_another_version_is_an_error_saying_how_to_replace_it(claims_model: Path, tmp_path: Path) -> None:
    from train.errors import UserError

    for name in FILES:
        shutil.copy(claims_model / name, tmp_path / name)
    info = json.loads((tmp_path / "linker.json").read_text(encoding="utf-8"))
    (tmp_path / "linker.json").write_text(json.dumps({**info, "version": 99}), encoding="utf-8")
    with pytest.raises(UserError, match="python -m train linker"):
        Linker.load(tmp_path)


def test_relink_takes_the_documents_own_sentences_even_where_the_rule_linker_splits_otherwise() -> None:
    from train.claims.linking import claim_records
    from train.data.text import Sentence, split_sentences, tokenize
    from train.inference.linker import LinkerHead, relink

    text = "وصل 300 لاجئ أمس.\nوغادر 200 آخرون."
    spans = [Span(4, 7, "QTY", "claims"), Span(8, 12, "ENT", "claims"), Span(24, 27, "QTY", "claims")]
    tokens = tuple(tokenize(text))
    given = [Sentence(tokens[0].start, tokens[-1].end, tokens)]  # a caller's sentence: both lines (the rules split 2)
    assert len(split_sentences(text)) == 2
    records = claim_records(text, spans, lambda span: {})
    torch.manual_seed(0)
    relink(Linker(LinkerHead(8, 4), {}), text, given, [torch.randn(len(tokens), 8)], records, spans)
    assert [[c["text"] for c in r["explain"]["entity"]["learned"]["candidates"]] for r in records] == [["لاجئ"], ["لاجئ"]]
    assert all(r["linker"] == {"entity": "learned", "time": "learned"} for r in records)


def test_a_linker_of_another_models_width_is_an_error_saying_how_to_replace_it(claims_model: Path, tmp_path: Path) -> None:
    from train.errors import UserError
    from train.inference.linker import VERSION, LinkerHead
    from train.inference.tagger import Tagger

    folder = tmp_path / "model"
    shutil.copytree(claims_model, folder)
    Linker(LinkerHead(32, 4), {"version": VERSION, "dim": 32, "hidden": 4}).save(folder)  # the model's vectors: 64
    with pytest.raises(UserError, match="size 32, where this folder's model gives 64.*python -m train linker"):
        Tagger(claims=folder)


def test_an_ner_model_gets_no_linker(ner_model: Path) -> None:
    assert not any((ner_model / name).exists() for name in FILES), "the seed's gold links are claims links"
