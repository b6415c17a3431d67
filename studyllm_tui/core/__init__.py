"""The core: everything the app computes, with no knowledge of any screen.

Nothing under ``studyllm_tui.core`` may import textual; heavy libraries (torch, transformers)
are imported inside the functions that need them, never at module import time.
"""
