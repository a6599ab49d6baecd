"""The Công Tâm scoring and classification engine.

Pure Python on purpose: plain data in, plain data out, Decimal arithmetic, and an explanation
for every number. It must never import Django (a test enforces it), so that an inspector, a
benchmark or another process can run it without the web application.

The entry points for the rest of the product are in :mod:`congtam.scoring.api`.
"""
