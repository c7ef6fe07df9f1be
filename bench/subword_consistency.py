"""Can more training make a NER model's sub-words agree, so that ``aggregation_strategy="simple"`` returns whole words?

    python -m bench.subword_consistency runs/mini-all-fast6/model OUT [--method self-training] [--weight 1] [--epochs 2]
    python -m train evaluate OUT --split validation && python -m bench.simple_cut OUT --split validation

An experiment, not a training recipe: it continues training a model folder written by ``fit`` with
``train.label_subwords: all`` (every sub-word labelled) on the ANERcorp train split of
``configs/mini.yaml``, and adds a loss (``--weight``) on unlabelled ant-news sentences (``--corpus``):

- ``--method consistency``: on every sentence drawn, the cross-entropy of each continuation sub-word against
  its word's first sub-word's own (detached) distribution, ``B-X`` read as ``I-X``;
- ``--method self-training``: the starting model tags the sentences drawn, and only those where some word's
  sub-words disagree (a continuation whose tag is not its first sub-word's, ``B-X`` read as ``I-X``) are
  kept, each word labelled on every sub-word with its first sub-word's tag (``B-X`` turned into ``I-X``
  after the first). A second round runs the script again on its own output.

``--weight 0`` is the control: the same extra training without either loss.

It writes a model folder (the new weights; the input folder's tokenizer and run config) that
``python -m train evaluate`` scores and ``bench.simple_cut`` measures. Results: ``docs/results.md``,
"Whole words with aggregation_strategy simple".
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import shutil
import time
from pathlib import Path

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from bench.anercorp import load_splits
from train.data.text import split_sentences
from train.inference.batching import collate
from train.inference.encoding import Window, build_windows, continuation_tags, window_labels


def first_subword_of(window: Window) -> list[int]:
    """For each position of ``window``, the position of its word's first sub-word (itself for ``[CLS]``/``[SEP]``)."""
    source = list(range(len(window.input_ids)))
    starts = sorted(window.first_subword.values())
    for start, end in zip(starts, starts[1:] + [len(window.input_ids) - 1]):
        source[start + 1 : end] = [start] * (end - start - 1)
    return source


def unlabelled_windows(corpus: str, tokenizer, count: int, seed: int) -> list[Window]:
    """``count`` sentences of 5 to 60 words from the JSONL articles of ``corpus`` (a glob), shuffled with ``seed``."""
    sentences = []
    for path in sorted(glob.glob(corpus)):
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                for sentence in split_sentences(json.loads(line)["text"]):
                    if 5 <= len(sentence.tokens) <= 60:
                        sentences.append([token.text for token in sentence.tokens])
    random.Random(seed).shuffle(sentences)
    return build_windows(tokenizer, sentences[:count], tokenizer.model_max_length)


def consistency_loss(logits: torch.Tensor, sources: torch.Tensor, to_continuation: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of each continuation sub-word (``sources`` at another position; ``IGNORE``: padding)
    against the detached distribution of its first sub-word, each tag moved to its continuation tag by
    ``to_continuation``."""
    log_probs = logits.log_softmax(-1)
    gathered = torch.gather(log_probs.detach().exp(), 1, sources.clamp(min=0)[..., None].expand(-1, -1, logits.size(-1)))
    teacher = gathered @ to_continuation
    continuation = ((sources >= 0) & (sources != torch.arange(sources.size(1)))).float()
    return -((teacher * log_probs).sum(-1) * continuation).sum() / continuation.sum().clamp(min=1)


def disagreeing_windows(
    model, windows: list[Window], continuation: dict[int, int], pad_id: int, batch_size: int = 64
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``(input ids, labels)`` of the ``windows`` where ``model`` tags some continuation sub-word otherwise
    than its word's first sub-word (``continuation``: :func:`~train.inference.encoding.continuation_tags`),
    each word labelled with its first sub-word's tag and that tag's continuation tag on its other sub-words."""
    kept = []
    model.eval()
    with torch.no_grad():
        for begin in range(0, len(windows), batch_size):
            chunk = windows[begin : begin + batch_size]
            predicted = model(**collate([torch.tensor(w.input_ids) for w in chunk], None, pad_id, 1)).logits.argmax(-1)
            for window, tags in zip(chunk, predicted.tolist()):
                sources = first_subword_of(window)
                if all(continuation[tags[source]] == tags[i] for i, source in enumerate(sources) if source != i):
                    continue
                word_tags = [0] * (max(window.first_subword, default=-1) + 1)
                for word, position in window.first_subword.items():
                    word_tags[word] = tags[position]
                kept.append((torch.tensor(window.input_ids), torch.tensor(window_labels(window, word_tags, continuation))))
    model.train()
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", help="a NER model folder trained with train.label_subwords=all")
    parser.add_argument("output", help="the model folder to write")
    parser.add_argument("--method", choices=["consistency", "self-training"], default="consistency")
    parser.add_argument("--weight", type=float, default=3.0, help="the added loss's weight (0: the control)")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--unlabelled", type=int, default=40000, help="ant-news sentences to draw")
    parser.add_argument("--corpus", default="{data_root}/ant-news/*.jsonl")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    config, splits, names = load_splits()
    corpus = str(config.path(args.corpus))
    tokenizer = AutoTokenizer.from_pretrained(args.model_dir)
    model = AutoModelForTokenClassification.from_pretrained(args.model_dir)
    pad_id = tokenizer.pad_token_id
    tags = continuation_tags(names)
    to_continuation = torch.zeros(len(names), len(names))
    to_continuation[list(tags), list(tags.values())] = 1.0
    train = splits["train"]
    labelled = [
        (torch.tensor(w.input_ids), torch.tensor(window_labels(w, train["tags"][w.row], tags)))
        for w in build_windows(tokenizer, train["tokens"], tokenizer.model_max_length)
    ]
    windows = unlabelled_windows(corpus, tokenizer, args.unlabelled, args.seed)
    if args.method == "consistency":
        unlabelled = [(torch.tensor(w.input_ids), torch.tensor(first_subword_of(w))) for w in windows]
    else:
        unlabelled = disagreeing_windows(model, windows, tags, pad_id)
        print(f"{len(unlabelled)} of {len(windows)} unlabelled sentences have a word whose sub-words disagree", flush=True)
    steps = int(len(labelled) / args.batch_size * args.epochs)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, 1 - step / steps))
    model.train()
    started = time.perf_counter()
    for step in range(steps):
        ids, labels = zip(*rng.sample(labelled, args.batch_size))
        loss = model(**collate(ids, labels, pad_id, 1)).loss
        if args.weight and args.method == "consistency":
            start = step * args.batch_size % (len(unlabelled) - args.batch_size)
            ids, sources = zip(*unlabelled[start : start + args.batch_size])
            inputs = collate(ids, sources, pad_id, 1)  # sources padded with IGNORE, as labels are
            sources = inputs.pop("labels")
            loss = loss + args.weight * consistency_loss(model(**inputs).logits, sources, to_continuation)
        elif args.weight:
            ids, labels = zip(*rng.sample(unlabelled, args.batch_size))
            loss = loss + args.weight * model(**collate(ids, labels, pad_id, 1)).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step + 1}/{steps} | loss {loss.item():.4f} | {time.perf_counter() - started:.0f} s", flush=True)
    model.save_pretrained(args.output)
    for name in ("tokenizer.json", "tokenizer_config.json", "run_config.yaml"):
        shutil.copy(Path(args.model_dir) / name, args.output)


if __name__ == "__main__":
    main()
