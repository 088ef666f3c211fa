"""CSV import and CSV/XLSX export."""
