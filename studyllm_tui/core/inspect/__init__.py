"""Inside the model (book chapter 2): attention maps, logit lens, positional encodings and
nearest embeddings, as plain numbers with their tokens.

Like bertviz, the model run, the numbers it returns and the drawing are kept apart: this
package computes (no textual import; torch and transformers are imported inside functions),
``ui/inside`` draws, and ``cli/inspect.py`` prints the same numbers.
"""

from studyllm_tui.core.inspect.loading import (
    DECODER,
    ENCODER,
    InspectError,
    InspectModel,
    default_model,
    load_model,
)

__all__ = [
    "DECODER",
    "ENCODER",
    "InspectError",
    "InspectModel",
    "default_model",
    "load_model",
]
