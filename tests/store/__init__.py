"""Store tests: SQLite always, PostgreSQL when PAPERS_TEST_POSTGRES_URL is set."""
