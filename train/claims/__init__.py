"""Stage 2, number claims by rule: the Arabic quantity lexicon and grammar, the normalized claim
record, the rule tagger, the linking of ENT/TIME spans to quantities, and the silver and augmented
training data made from them."""
