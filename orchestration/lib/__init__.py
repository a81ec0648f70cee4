"""What the code location does that is not Dagster: the landing contract, the warehouse files, the
serving copy, Great Expectations suites, messages and webhooks. Nothing here imports Dagster
(tests/python/test_orchestration.py checks), so each part is tested and reused on its own."""
