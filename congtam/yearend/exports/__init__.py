"""The official year-end documents: each person's evaluation form (DOCX, PDF), the summary of results
of the agency or of a unit, and the archive of every form, each download logged in the audit trail."""
