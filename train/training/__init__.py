"""Stage 5, training: the base model, the encoded training features, and the two engines (the
transformers ``Trainer`` and the lean fast loop) behind one interface, with crash-safe checkpoints.
It comes after evaluation because it picks checkpoints by the evaluation's metric."""
