"""Coding rounds: creating and closing them and their gold sets (``actions``), each coder's
score against the round's reference (``scoring``, pure) and the figures of each round and
across rounds (``figures``)."""
