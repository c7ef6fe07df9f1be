"""The base model and tokenizer of a run: a hub id or local folder, or a tiny BERT built in code.

The text normalization the base model was pretrained with (CAMeLBERT: no diacritics, no tatweel), and
digits of every script read as 0-9, are put into the tokenizer's own normalizer, so training, ``tag``
and a plain ``pipeline(...)`` all apply it, and offsets still index the original text. Such a
tokenizer is saved as a ``PreTrainedTokenizerFast``: its ``tokenizer.json`` is loaded back as is
(``train.inference.portable.save_tokenizer``, in transformers 4.x too).
"""

from __future__ import annotations

from collections.abc import Iterable

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
from train.data.text import DIACRITICS, DIGIT_SCRIPTS, TATWEEL
from train.inference.models import ModelLoadError, unreachable

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TINY_BASE = "tiny-bert (built from a BertConfig in code, random weights)"


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
    if reason := unreachable(settings.base):
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
