"""Codebook versions: a draft edited in the app, published as an immutable numbered version with
a migration map (rename, merge, split, retire) that moves or marks the codings made under the
version before.

``plan`` and ``diff`` are pure (no Django): the migration plan of a map over some codings, and
the differences between two versions' snapshots. ``snapshots`` reads a codebook into the
snapshot a version keeps; ``drafts`` holds the draft's edits and ``publishing`` the one action
that turns a draft into a version.
"""
