"""Stage 4, evaluation: seqeval metrics, a model scored on a split, on other corpora and against the
rules on the gold claims, and calibration; it returns results and writes or prints nothing."""
