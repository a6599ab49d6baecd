"""Reading a cohort file (xlsx, a folder of CSV files, or JSON) and writing the results.

Reading never stops at the first problem: every bad row of every sheet is collected, with the
file, the sheet, the row as the spreadsheet shows it and the column, and reported together in
Vietnamese (or English). Text is normalised to NFC; headers are matched ignoring case, spacing
and the Unicode form; numbers accept ``,`` or ``.`` as the decimal mark and dots or spaces between
thousands (:func:`congtam.vietnamese.read_number`).
"""
