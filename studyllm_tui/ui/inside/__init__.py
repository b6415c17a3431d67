"""The モデルの中 / Inside tab (F7): attention, all heads, logit lens, positions, embeddings."""

from studyllm_tui.ui.inside.pane import InsidePane

__all__ = ["InsidePane"]
