"""Evidence beyond its model (cases.models.Evidence): the one search, words in any order with
capitals and accents folded, that the evidence list and the API share."""
