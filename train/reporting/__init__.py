"""Stage 6, reporting: every rendering of results in one place: text tables, figures, the model
card, the dataset card, and publishing to the hub."""
