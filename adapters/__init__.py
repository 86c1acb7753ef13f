"""Chat platform adapters: each turns platform payloads into neutral values and renders replies."""
