"""What-if: run a policy preset over a cohort file from the command line (``congtam evaluate``).

A thin Django shell around :mod:`congtam.scoring.cli`; all logic lives in the pure engine.
"""
