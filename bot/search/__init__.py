"""Search: the query language (query), and finding and ranking papers for it (engine)."""
