"""studyllm-tui: study large language models the way 大規模言語モデル入門 teaches them."""

__version__ = "0.1.0"
APP_NAME = "studyllm-tui"
