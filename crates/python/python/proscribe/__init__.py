"""Screen names against sanctions and terrorist-designation lists with proscribe's engine.

Open an index written by ``proscribe index FILE`` (or a registry database) and screen one
name, or whole Arrow tables on all cores::

    import proscribe
    screener = proscribe.Screener.open("lists.idx")
    for hit in screener.screen("Amir Khan Mutaqi", schema="Person"):
        print(hit.score, hit.match, hit.caption, [r.reference for r in hit.references])

``proscribe.spark.screen`` screens a Spark DataFrame on the executors.
"""

from ._native import (
    DEFAULT_THRESHOLD,
    FieldError,
    Hit,
    IndexFileError,
    ProscribeError,
    Reference,
    Screener,
    __version__,
    hit_columns,
    score,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "FieldError",
    "Hit",
    "IndexFileError",
    "ProscribeError",
    "Reference",
    "Screener",
    "__version__",
    "hit_columns",
    "score",
]
