"""Arabic NER and number-claim training."""
