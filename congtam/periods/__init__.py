"""What a monitoring cycle and a year-end classification share: a policy scope (an agency, a
year, a staff group, units, an engine preset) and the machinery around it. See :mod:`.scope`."""
