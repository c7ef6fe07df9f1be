"""Stage 1, data: Arabic text, articles and their labelled spans, the label sets, one reader per
source format, and the building of the sentence-per-row dataset that training reads."""
