"""Thin Click commands; each module exposes `command` (or `<name>_command`)."""
