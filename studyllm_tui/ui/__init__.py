"""The Textual user interface: one module per pane, screen or modal."""
