"""The tokenizer lab tab: live side-by-side splitting and a BPE / WordPiece stepper."""

from studyllm_tui.ui.tokenizer.lab import TokenizerLab

__all__ = ["TokenizerLab"]
