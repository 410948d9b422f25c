"""Coding: the writes a coder makes (save or clear a coding, submit, reopen an item) and the
assignment of items to coders (planned purely in assignment_plan, given and taken back)."""
