"""Configuration: the bot's settings, read from the environment and `.env`."""
