"""Explanations: from each person's inputs to their level, as plain JSON-ready data.

Every number is a node ``{"key", "value", "formula", "inputs"}``. ``value`` is the exact Decimal as
text; ``formula`` is a small arithmetic expression over the names in ``inputs`` (``+ - * /``,
``sum``, ``mean``, ``min``, ``max``, ``floor``, ``round_half_up``, ``choose``), written in the very
order the engine computes, so that :func:`recheck` — or an inspector with a calculator — gets the
same digits from the JSON alone. Levels are nodes too: the threshold band, the criteria tests, each
overriding rule (before → after), and the quota placement in each scope.

Trees are built on demand from the outcome (which keeps every intermediate value), so classifying
a cohort does not pay for explanations nobody reads.
"""
