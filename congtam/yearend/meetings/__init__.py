"""The open, democratic discussion at year end (RULES.md §3.4): the unit meeting, its minutes and
their official DOCX, and the anonymous colleague feedback with its anchored form. Its models keep
the ``yearend`` app label; :mod:`congtam.yearend.models` imports them so that Django registers them."""
