"""The fast engine's batches: collation, and steps with no host sync (the attention mask is decided on
the host, and the model gives the same logits with it as with the plain 2D mask)."""

from __future__ import annotations

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from transformers import BertConfig, BertForTokenClassification

from train.inference.batching import attention_mask, collate
from train.training.fast import EngineSettings, train_model

HOST_READS = {torch.ops.aten._local_scalar_dense.default, torch.ops.aten.item.default, torch.ops.aten.is_nonzero.default}


class CountHostReads(TorchDispatchMode):
    """Counts the reads of a tensor's value by the host (``.item()``, ``bool(t)``): each is a sync on CUDA."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.reads += func in HOST_READS
        return func(*args, **(kwargs or {}))


def tiny_bert() -> BertForTokenClassification:
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=60, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, num_labels=3
    )
    return BertForTokenClassification(config)


ROWS = [[1, *range(5, 5 + n), 2] for n in (3, 9, 4, 4, 12, 7, 1, 6)]
LABELS = [[-100, *(k % 3 for k in range(len(r) - 2)), -100] for r in ROWS]


def test_training_steps_read_no_device_value_between_evaluations() -> None:
    model = tiny_bert()
    assert model.config._attn_implementation == "sdpa"
    settings = EngineSettings(max_steps=6, batch_tokens=40, logging_steps=0, evaluations_per_epoch=2, dropout=0.0)
    with CountHostReads() as counter:
        result = train_model(model, ROWS, LABELS, settings, device="cpu")
    assert result.steps == 6 and result.padded_tokens > result.real_tokens
    assert counter.reads == len(result.history)  # the running loss, read once at each evaluation


def test_the_host_decided_mask_gives_the_logits_of_the_2d_mask() -> None:
    model = tiny_bert().eval()
    for picked in (range(len(ROWS)), [2, 3]):  # padded, then two rows of one length
        rows = [ROWS[i] for i in picked]
        batch = collate([torch.tensor(r) for r in rows], [torch.tensor(LABELS[i]) for i in picked], 0, 1)
        padded = bool((batch["attention_mask"] == 0).any())
        assert padded == (len({len(r) for r in rows}) > 1)
        mask = attention_mask(model, batch["attention_mask"], [len(r) for r in rows])
        assert (mask is None) == (not padded)
        with torch.inference_mode():
            plain = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            decided = model(input_ids=batch["input_ids"], attention_mask=mask).logits
        assert torch.equal(plain, decided)


def test_collate_pads_each_row_to_the_rounded_width() -> None:
    rows, labels = [torch.tensor(r) for r in ROWS[:3]], [torch.tensor(g) for g in LABELS[:3]]
    batch = collate(rows, labels, 0, 8)
    assert batch["input_ids"].shape == (3, 16)
    for k, (row, gold) in enumerate(zip(ROWS[:3], LABELS[:3])):
        n = len(row)
        assert batch["input_ids"][k].tolist() == row + [0] * (16 - n)
        assert batch["labels"][k].tolist() == gold + [-100] * (16 - n)
        assert batch["attention_mask"][k].tolist() == [1] * n + [0] * (16 - n)
    inputs = collate(rows, None, 0, 1)
    assert set(inputs) == {"input_ids", "attention_mask"} and inputs["input_ids"].shape == (3, 11)


def test_training_lowers_the_loss_and_keep_best_restores_the_best_evaluation() -> None:
    model = tiny_bert()
    settings = EngineSettings(epochs=12, learning_rate=5e-3, batch_tokens=64, logging_steps=0, dropout=0.0, seed=0)
    scripted = [0.1, 0.5, 0.9, 0.3] + [0.2] * 8  # the third evaluation is the best
    states: list[dict[str, torch.Tensor]] = []

    def on_evaluate(trained, info: dict) -> float:
        states.append({k: v.clone() for k, v in trained.state_dict().items()})
        return scripted[len(states) - 1]

    result = train_model(model, ROWS, LABELS, settings, device="cpu", on_evaluate=on_evaluate)
    losses = [entry["train_loss"] for entry in result.history]
    assert len(losses) == 12 and losses[-1] < 0.5 * losses[0], losses
    assert result.best_score == 0.9
    final = model.state_dict()
    assert all(torch.equal(final[k], states[2][k]) for k in final), "the weights of the best evaluation are restored"
    assert not all(torch.equal(final[k], states[-1][k]) for k in final)
