"""Review: agreement figures (reliability, over the pure engine in agreement/), the consensus of
items, and its writes and reads: unanimous rows, the disagreement queue, adjudication, overrides."""
