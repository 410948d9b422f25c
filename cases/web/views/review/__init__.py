"""The review pages (admins and reviewers only), one module per page family: agreement (figures,
chart), disagreements (the queue), item (one item's adjudication) and period overrides."""
