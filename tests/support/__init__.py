"""Helpers shared by the tests and the benchmarks: paths, the sample database, the browser, the corpus."""
