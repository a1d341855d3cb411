"""The 法治对标 dashboard: data access, pure ranking/chart/export functions and page helpers."""
