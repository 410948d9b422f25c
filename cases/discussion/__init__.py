"""Memos and notifications: the conversation around the coding (no e-mail)."""
