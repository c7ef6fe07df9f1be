"""Stage 2, number claims by rule: the Arabic quantity lexicon and grammar, the normalized claim
record, the rule tagger, the linking of ENT/TIME spans to quantities, and the silver and augmented
training data made from them.

In the order they build on each other:

- ``words``: normalized spelling, pieces and proclitics; ``lexicon`` (+ ``lexicon.yaml``): the words, as data;
- ``markers``, ``numbers``, ``grammar``: the sub-grammars of a quantity expression; ``record``: its
  normalized record; ``quantity``: :func:`~train.claims.quantity.parse_quantity`, the normalizer's entry;
- ``sentence``, ``exclusions``, ``entities``, ``times``, ``rules``: the rule tagger (named QTY exclusions,
  the ENT rule, named TIME rules, and the tagger with its named inclusions and its trace for ``--explain``);
  ``linking``: claim spans (the tagger's or a model's) into records;
- ``silver``, ``augment``: training data from the rule tagger.
"""
