"""Everything that turns one report file into one ReportResult. Never imports pipeline.build."""
