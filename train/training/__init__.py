"""Stage 4, training: the base model, the encoded training features, and the two engines (the
transformers ``Trainer`` and the lean fast loop) behind one interface, with crash-safe checkpoints."""
