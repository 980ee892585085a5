"""The links stage's parts: extract -> classify -> filter -> check (cache, fragments) -> report.

``types`` holds the values passed between them; ``stages/links.py`` wires them together.
"""
