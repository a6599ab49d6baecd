"""The year-end reports: the final results counted by level, by unit, group, staff group and gender,
year on year, drawn as charts and written as a workbook; and the talent list, the people classified
HTXSNV two years running."""
