"""papers-bot core: platform-neutral sources, store, ranking, digests, commands and scheduling."""
