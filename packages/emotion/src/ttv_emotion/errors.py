"""Error codes of ttv-emotion (range TTV-E130..E139)."""

from ttv_contracts.errors import register_code

PACKAGE = "ttv-emotion"

E_EMOTION_OPTION = register_code("TTV-E130", "Emotion option is invalid", PACKAGE)
E_LEXICON_UNAVAILABLE = register_code(
    "TTV-E131", "The emotion lexicon could not be loaded", PACKAGE
)
