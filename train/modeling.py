"""The base model and tokenizer of a run: a hub id or local folder, or a tiny BERT built in code.

The text normalization the base model was pretrained with (CAMeLBERT: no diacritics, no tatweel), and
digits of every script read as 0-9, are put into the tokenizer's own normalizer, so training, ``tag``
and a plain ``pipeline(...)`` all apply it, and offsets still index the original text. Such a
tokenizer is saved as a ``PreTrainedTokenizerFast``: its ``tokenizer.json`` is loaded back as is
(``train.portable.save_tokenizer``, in transformers 4.x too).
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlparse

import torch
from huggingface_hub import constants, try_to_load_from_cache
from huggingface_hub.errors import HFValidationError
from huggingface_hub.utils import validate_repo_id
from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordLevel, WordPiece
from tokenizers.trainers import WordLevelTrainer
from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
    BertConfig,
    BertForTokenClassification,
    PreTrainedModel,
    PreTrainedTokenizerFast,
)

from train.config import ModelConfig, NormalizeConfig, resolve_path
from train.errors import UserError
from train.labels import bio_labels, entity_labels
from train.portable import warn_if_not_portable
from train.text import DIACRITICS, DIGIT_SCRIPTS, TATWEEL

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TINY_BASE = "tiny-bert (built from a BertConfig in code, random weights)"


class ModelLoadError(UserError, RuntimeError):
    """The base model cannot be loaded; the message says how to point the config elsewhere."""


def _unreachable(repo_id: str) -> str | None:
    """Why ``repo_id`` cannot be fetched now (not cached, and offline or the hub unreachable), else ``None``."""
    if isinstance(try_to_load_from_cache(repo_id, "config.json"), str):
        return None
    if constants.HF_HUB_OFFLINE:
        return "HF_HUB_OFFLINE is set and the model is not in the local HuggingFace cache"
    host = urlparse(constants.ENDPOINT).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as error:
        return f"the hub ({host}) cannot be reached: {error}"
    return None


def _load_error(base: str, reason: str) -> ModelLoadError:
    return ModelLoadError(
        f"cannot load the base model '{base}': {reason}\n"
        "It is neither a local folder nor reachable on the HuggingFace hub (no network?). "
        "Download it where there is network, e.g. `hf download CAMeL-Lab/bert-base-arabic-camelbert-msa "
        "--local-dir models/camelbert-msa`, then point the config at the folder: "
        "model.base=models/camelbert-msa. Offline alternatives: configs/mini.yaml, configs/tiny.yaml."
    )


def resolve_base(settings: ModelConfig) -> str:
    """The local folder or hub id to load; fails in seconds, before any data is read, when neither is
    available (rather than after the hub client's retries)."""
    local = resolve_path(settings.base)
    if local.is_dir():
        return str(local)
    if reason := _unreachable(settings.base):
        raise _load_error(settings.base, reason)
    return settings.base


def with_normalization(tokenizer: PreTrainedTokenizerFast, settings: NormalizeConfig) -> PreTrainedTokenizerFast:
    """A copy of ``tokenizer`` whose normalizer first removes what ``settings`` asks for."""
    backend = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
    steps = []
    if settings.remove_diacritics:
        steps.append(normalizers.Replace(Regex(f"[{DIACRITICS}]"), ""))
    if settings.remove_tatweel:
        steps.append(normalizers.Replace(TATWEEL, ""))
    if settings.western_digits:
        steps += [normalizers.Replace(Regex(f"[{indic}{persian}]"), western) for western, indic, persian in zip(*DIGIT_SCRIPTS)]
    if backend.normalizer is not None:
        steps.append(backend.normalizer)
    if steps:
        backend.normalizer = normalizers.Sequence(steps)
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        model_max_length=min(tokenizer.model_max_length, 512),
        **{name: getattr(tokenizer, name) for name in ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token")},
    )


def train_tiny_tokenizer(texts: Iterable[str], vocab_size: int) -> PreTrainedTokenizerFast:
    """A WordPiece tokenizer for ``texts`` (no download): every character, alone and as a ``##`` piece,
    then the most frequent whole words, counted by the ``tokenizers`` library's ``WordLevelTrainer``
    (the vocabulary may exceed ``vocab_size`` by the characters). Its ``WordPieceTrainer`` is not used: it
    learns a different vocabulary in each process (huggingface/tokenizers#1794), and so would every run."""
    normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False, handle_chinese_chars=True)
    counter = Tokenizer(WordLevel(unk_token="[UNK]"))
    counter.normalizer, counter.pre_tokenizer = normalizer, pre_tokenizers.BertPreTokenizer()
    counter.train_from_iterator(texts, WordLevelTrainer(special_tokens=SPECIAL_TOKENS))
    counted = counter.get_vocab()
    words = [w for w in sorted(counted, key=counted.__getitem__) if w not in SPECIAL_TOKENS]  # most frequent first
    characters = sorted({c for word in words for c in word})
    pieces = SPECIAL_TOKENS + characters + [f"##{c}" for c in characters]
    known = set(pieces)
    pieces += [w for w in words if w not in known][: max(0, vocab_size - len(pieces))]
    backend = Tokenizer(WordPiece({piece: i for i, piece in enumerate(pieces)}, unk_token="[UNK]"))
    backend.normalizer, backend.pre_tokenizer = normalizer, pre_tokenizers.BertPreTokenizer()
    backend.decoder = decoders.WordPiece()  # transformers 4.45's pipeline decodes words with it
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[(t, backend.token_to_id(t)) for t in ("[CLS]", "[SEP]")],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="[UNK]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        mask_token="[MASK]",
        model_max_length=512,
    )


def base_model_name(settings: ModelConfig) -> str:
    return TINY_BASE if settings.tiny else settings.base


def load_base(
    settings: ModelConfig, labels: list[str], tokenizer_texts: Iterable[str] = ()
) -> tuple[PreTrainedTokenizerFast, PreTrainedModel]:
    """Tokenizer and token-classification model with ``labels`` in ``id2label``/``label2id``."""
    id2label = dict(enumerate(labels))
    label2id = {label: i for i, label in id2label.items()}
    if settings.tiny:
        tiny = settings.tiny
        tokenizer = train_tiny_tokenizer(tokenizer_texts, tiny.vocab_size)
        bert = BertConfig(
            vocab_size=len(tokenizer),
            hidden_size=tiny.hidden_size,
            num_hidden_layers=tiny.num_hidden_layers,
            num_attention_heads=tiny.num_attention_heads,
            intermediate_size=tiny.intermediate_size,
            max_position_embeddings=tiny.max_position_embeddings,
            id2label=id2label,
            label2id=label2id,
        )
        model = BertForTokenClassification(bert)
    else:
        base = resolve_base(settings)
        try:
            tokenizer = AutoTokenizer.from_pretrained(base)
            model = AutoModelForTokenClassification.from_pretrained(
                base, num_labels=len(labels), id2label=id2label, label2id=label2id
            )
        except (OSError, ValueError) as error:
            raise _load_error(settings.base, str(error).splitlines()[0]) from None
        if not isinstance(tokenizer, PreTrainedTokenizerFast):
            raise ModelLoadError(f"'{settings.base}' has no fast tokenizer (tokenizer.json); offsets need one")
    tokenizer = with_normalization(tokenizer, settings.normalize)
    tokenizer.model_max_length = min(settings.max_length, model.config.max_position_embeddings)
    return tokenizer, model


def load_trained(name: str | Path, task: str | None = None) -> tuple[PreTrainedTokenizerFast, PreTrainedModel]:
    """A trained model (tokenizer and model): a folder written by ``fit`` or the hub id of a published one,
    on the GPU when there is one; with ``task``, an error unless it was trained for that task (its
    ``config.json`` task and labels, :func:`_check_task`)."""
    folder = Path(name)
    if folder.is_dir() and not (folder / "config.json").is_file():
        raise ModelLoadError(
            f"{folder}: not a model folder (no config.json); pass the model/ folder that fit wrote, e.g. runs/ner/model"
        )
    if not folder.is_dir():
        try:
            validate_repo_id(str(name))
            reason = _unreachable(str(name))
        except HFValidationError:
            reason = "not a hub id either"
        if reason:
            raise ModelLoadError(
                f"{name}: no such model folder, nor a model on the HuggingFace hub ({reason}); pass the model/ folder "
                "that fit wrote (e.g. runs/ner/model) or the hub id of a published model (ORG/NAME)"
            )
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(name))
        model = AutoModelForTokenClassification.from_pretrained(str(name))
    except (OSError, ValueError) as error:
        raise ModelLoadError(f"{name}: cannot load a token-classification model: {str(error).splitlines()[0]}") from None
    if task is not None:
        _check_task(str(name), model, task)
    if folder.is_dir():
        warn_if_not_portable(folder)
    model.to("cuda" if torch.cuda.is_available() else "cpu")
    return tokenizer, model


def _check_task(name: str, model: PreTrainedModel, task: str) -> None:
    """An error unless ``model`` was trained for ``task``: its ``config.json`` names no other task, and its
    labels are the task's BIO tags (an untrained base model has ``LABEL_0``...)."""
    trained_for = getattr(model.config, "task", None)
    if trained_for is not None and trained_for != task:
        raise ModelLoadError(f"{name}: a '{trained_for}' model, where a '{task}' model was expected")
    labels = sorted(set(model.config.id2label.values()))
    if not set(labels) <= set(bio_labels(task)):
        raise ModelLoadError(
            f"{name}: its labels ({', '.join(labels[:6])}{', ...' if len(labels) > 6 else ''}) are not the BIO tags of "
            f"the '{task}' task ({', '.join(entity_labels(task))}); a base model must be fine-tuned first: python -m train fit"
        )
