"""Stage 3, inference: a trained model folder (torch or ONNX) turned into labelled words and spans,
through one windowed predictor; scores and thresholds; the :class:`~train.inference.tagger.Tagger`
that turns articles into entities and claim records. Nothing here imports training."""
