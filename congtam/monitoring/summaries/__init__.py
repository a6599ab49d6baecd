"""Period summaries (issue 13, part 6): the “Bảng tổng hợp kết quả đánh giá” of a month or a quarter
for a unit or the agency, as Excel and PDF, and each person's period score sheet as PDF.

``rows`` streams the summary's rows in a constant number of queries; ``workbook`` and ``pdf``
render them; ``services`` records each download in the audit trail and starts the background job
that builds a large scope's file (``jobs``); ``views`` are thin.
"""
