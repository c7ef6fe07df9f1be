"""``export``: a trained model folder -> an ONNX folder for onnxruntime, and :class:`OnnxModel`, the
ONNX backend of :func:`train.inference.predictor.predict_windows` (``tag --backend onnx``, ``Tagger(backend="onnx")``).

The folder holds ``model.onnx`` (inputs ``input_ids`` and ``attention_mask``, int64, dynamic batch and
sequence axes; output ``logits``), the tokenizer files, ``config.json`` (``id2label``, the task) and,
written by the ``export`` step, the model card when the source has one, with a section on the export
appended. ``--int8`` stores the model
quantized by ``onnxruntime.quantization.quantize_dynamic`` (int8 weights, activations quantized at run
time) instead of fp32. The graph is captured by the ``torch.export`` based exporter (``dynamo=True``,
torch's default): torch 2.13's TorchScript exporter (``dynamo=False``) still runs on a transformers 5
BERT but writes a graph whose logits are wrong (0.5 off at every shape, padded or not), so every fp32
export is checked against the torch model on a padded probe batch before it is kept. The folder is
written whole or not at all (:func:`train.io.atomic_directory`); an existing one is replaced only with
``overwrite``. onnx, onnxscript and onnxruntime are the ``onnx`` extra of the package.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import torch

from train.errors import UserError
from train.io import atomic_directory

log = logging.getLogger(__name__)

MODEL_FILE = "model.onnx"
INPUTS = ("input_ids", "attention_mask")
EXTRA = "pip install 'arabic-claims-train[onnx]'"
TOLERANCE = 1e-3  # largest |torch - onnxruntime| logit difference an fp32 export may show on the probe batch


class OnnxError(UserError):
    """An ONNX folder that cannot be written or read, or the onnx packages missing."""


def _require(module: str, purpose: str):
    """``module`` imported, or an error naming the extra that installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise OnnxError(f"{purpose} needs the '{module}' package, which is not installed: {EXTRA}") from None


class OnnxModel:
    """``model.onnx`` run by onnxruntime on the CPU, called like the torch model in ``predict_windows``:
    ``input_ids`` and a 2D ``attention_mask`` (int64 tensors) in, logits (a float tensor) out."""

    def __init__(self, path: str | Path, config, threads: int | None = None) -> None:
        ort = _require("onnxruntime", "the ONNX backend")
        path = Path(path)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()  # as many threads as torch would use
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime's errors (InvalidProtobuf, NoSuchFile, ...) derive from Exception only
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise OnnxError(
                f"{path}: cannot load the ONNX model ({reason}); export it again: python -m train export MODEL_DIR {path.parent}"
            ) from None
        names = {i.name for i in self.session.get_inputs()}
        if names != set(INPUTS):
            raise OnnxError(
                f"{path}: inputs {sorted(names)}, where {list(INPUTS)} were expected; "
                f"export it with python -m train export MODEL_DIR {path.parent}"
            )
        self.config = config

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        feed = {"input_ids": input_ids.long().numpy(), "attention_mask": attention_mask.long().numpy()}
        (logits,) = self.session.run(["logits"], feed)
        return torch.from_numpy(logits)


def load_onnx(folder: str | Path, task: str | None = None, threads: int | None = None):
    """Tokenizer and :class:`OnnxModel` of a folder written by :func:`export_onnx`; with ``task``, an error
    unless it was trained for it (as :func:`train.inference.models.load_trained`)."""
    from transformers import AutoConfig, AutoTokenizer

    from train.inference.models import check_task

    folder = Path(folder)
    if not (folder / MODEL_FILE).is_file():
        what = "a model folder for the torch backend" if (folder / "config.json").is_file() else "no ONNX folder"
        raise OnnxError(
            f"{folder}: no {MODEL_FILE} ({what}); export one with python -m train export {folder} OUT_DIR "
            "and pass OUT_DIR, or drop --backend onnx"
        )
    _require("onnxruntime", "the ONNX backend")  # before the tokenizer: the missing extra is the first thing to fix
    try:
        config = AutoConfig.from_pretrained(folder)
        tokenizer = AutoTokenizer.from_pretrained(folder)
    except (OSError, ValueError) as error:
        raise OnnxError(f"{folder}: cannot load its config or tokenizer: {str(error).splitlines()[0]}") from None
    model = OnnxModel(folder / MODEL_FILE, config, threads)
    if task is not None:
        check_task(str(folder), model, task)
    return tokenizer, model


class _Logits(torch.nn.Module):
    """The exported function: ``(input_ids, attention_mask) -> logits``."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def _probe(model, pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of two rows of 16 sub-words, the second padded after 9: dynamic axes must not be size 1."""
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(5, model.config.vocab_size, (2, 16), generator=generator)
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0
    ids[1, 9:] = pad_id
    return ids, mask


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's chatter kept out of the output (a line per deduplicated weight at INFO, warnings
    on axis names, FutureWarnings, torchvision missing, onnxruntime's advice to pre-process before
    quantizing, given on the root logger); its errors still come through."""
    loggers = [logging.getLogger(name) for name in ("onnx_ir", "onnxscript", "torch.onnx")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    root = logging.getLogger()
    advice = logging.Filter("onnxruntime")  # passes only records of the 'onnxruntime' loggers: drops the root's own
    root.addFilter(advice)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", FutureWarning)
            yield
    finally:
        root.removeFilter(advice)
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _export_fp32(model, pad_id: int, path: Path) -> None:
    """``model`` as ONNX at ``path``, checked against torch on the probe batch."""
    for module, purpose in (("onnx", "export"), ("onnxscript", "export"), ("onnxruntime", "export (its check)")):
        _require(module, purpose)
    wrapped = _Logits(model).eval()
    ids, mask = _probe(model, pad_id)
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence")
    with _quiet():
        program = torch.onnx.export(
            wrapped,
            (ids, mask),
            input_names=list(INPUTS),
            output_names=["logits"],
            dynamo=True,
            dynamic_shapes={"input_ids": {0: batch, 1: sequence}, "attention_mask": {0: batch, 1: sequence}},
            external_data=False,
            verbose=False,
        )
        program.save(str(path))
    with torch.inference_mode():
        expected = wrapped(ids, mask)
    got = OnnxModel(path, model.config)(ids, mask)
    difference = (expected - got)[mask.bool()].abs().max().item()
    if difference > TOLERANCE:
        raise OnnxError(f"the exported graph's logits differ from torch's by {difference:.3g} (> {TOLERANCE}); not written")
    log.info("ONNX fp32 logits within %.1e of torch on the probe batch", difference)


def export_onnx(
    model_dir: str | Path,
    out_dir: str | Path,
    *,
    int8: bool = False,
    overwrite: bool = False,
    finish: Callable[[Path], None] | None = None,
) -> Path:
    """Write the ONNX folder of the model in ``model_dir`` (a folder written by ``fit`` or a hub id) to
    ``out_dir``, ``finish(folder)`` called inside the same atomic write (the ``export`` step adds the
    card there: :func:`train.reporting.modelcard.write_export_card`); returns ``out_dir``."""
    from train.inference.models import load_trained
    from train.inference.portable import save_tokenizer

    out_dir = Path(out_dir)
    source = Path(model_dir)
    if source.exists() and out_dir.resolve() == source.resolve():
        raise OnnxError(f"{out_dir}: the output folder is the model folder itself; pass another OUT_DIR")
    if out_dir.exists() and not overwrite:
        raise OnnxError(f"{out_dir} exists; pass --overwrite to replace it (atomically), or choose another OUT_DIR")
    if int8:
        _require("onnxruntime", "--int8")
    tokenizer, model = load_trained(model_dir)
    model.to("cpu").float().eval()
    with atomic_directory(out_dir) as tmp:
        fp32 = tmp / (MODEL_FILE + ".fp32" if int8 else MODEL_FILE)
        _export_fp32(model, tokenizer.pad_token_id, fp32)
        if int8:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            with _quiet():
                quantize_dynamic(fp32, tmp / MODEL_FILE, weight_type=QuantType.QInt8)
            fp32.unlink()
            OnnxModel(tmp / MODEL_FILE, model.config)  # it loads, or nothing is written
        save_tokenizer(tokenizer, tmp)  # the same tokenizer files as the model folder (train/inference/portable.py)
        model.config.save_pretrained(tmp)
        if finish is not None:
            finish(tmp)
    log.info("%s model exported to %s", "int8" if int8 else "fp32", out_dir)
    return out_dir
