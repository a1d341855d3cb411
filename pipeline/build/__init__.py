"""Everything that turns many ReportResults into the checked, atomically swapped DuckDB database."""
