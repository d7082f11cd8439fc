"""Type stubs of the extension module (the engine, in Rust)."""

import datetime
import os
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Union

import pyarrow

__version__: str
DEFAULT_THRESHOLD: float

class ProscribeError(Exception):
    """An error of proscribe."""

class IndexFileError(ProscribeError):
    """An index file or registry that cannot be used: damaged, cut, written by another
    build, not an index, or a database without lists."""

class FieldError(ValueError):
    """A value that cannot be used."""

    field: str
    """The argument or column at fault (``birth_date``, ``columns``, ``name``, ...)."""
    message: str
    """What is wrong with it."""

class Reference:
    """A designation of a hit's entity, with its status on the day screened for."""

    authority: str
    list: str
    reference: Optional[str]
    status: str

class Hit:
    """A listed entity found for a query."""

    score: float
    """From 0 to 1."""
    match: bool
    """Whether the score reaches the threshold."""
    entity_id: str
    schema: str
    caption: str
    references: List[Reference]
    topics: List[str]
    matched_name: Optional[str]
    """The listed name that matched best, as written in the list."""
    explanation: List[str]
    """Why it scored so, one line each, as the command line prints it."""
    cluster: Optional[str]
    """The cluster the entity is one of, when several lists' entries are one entity."""
    members: List[str]
    """The entity ids of the cluster's other entries (details in ``to_dict()``)."""

    def to_dict(self) -> Dict[str, Any]:
        """The hit as plain values (the command line's ``--json`` form)."""

_Values = Union[str, Sequence[str], None]
_Table = Any  # pyarrow.Table, RecordBatch, RecordBatchReader or any __arrow_c_stream__ object

class Screener:
    """A screening index opened from an index file or a registry database."""

    @staticmethod
    def open(
        path: Union[str, "os.PathLike[str]"],
        *,
        threads: Optional[int] = None,
        as_of: Optional[str] = None,
        reading: Literal["auto", "memory", "mapped"] = "auto",
    ) -> "Screener":
        """Opens an index file written by ``proscribe index FILE``, or a registry database.

        ``threads``: threads for ``screen_arrow`` (default: all cores). ``as_of``: for a
        database, the lists in force on that day (YYYY-MM-DD). ``reading``, for an index
        file: ``memory`` decodes it whole when opened (the fastest queries), ``mapped`` maps
        it and decodes what queries reach (the least memory), ``auto`` reads an index of up
        to 200,000 name forms into memory and maps a larger one. Raises FileNotFoundError,
        IndexFileError, or FieldError for a bad argument."""

    @property
    def path(self) -> str: ...
    @property
    def entity_count(self) -> int: ...
    @property
    def data_version(self) -> int: ...
    @property
    def as_of(self) -> Optional[str]: ...
    @property
    def day(self) -> str:
        """The day designation statuses are given for."""

    def screen(
        self,
        name: str,
        *,
        schema: Optional[str] = None,
        birth_date: Union[str, datetime.date, Sequence[str], None] = None,
        country: _Values = None,
        identifiers: _Values = None,
        limit: int = 10,
        threshold: float = 0.7,
        cutoff: Optional[float] = None,
        members: bool = False,
    ) -> List[Hit]:
        """Screens one name; hits scoring at least ``cutoff`` (0.5 by default, or the
        threshold if lower), best first, one per real-world entity (``members=True``: each
        list's entry alone). Raises FieldError naming a value it cannot read."""

    def screen_arrow(
        self,
        table: _Table,
        *,
        columns: Optional[Mapping[str, str]] = None,
        threshold: float = 0.7,
        limit: int = 10,
        members: bool = False,
    ) -> pyarrow.Table:
        """Screens every row of an Arrow table with the batch columns ``name`` (required),
        ``birth_date``, ``country``, ``id``, ``schema``, ``key`` (``columns`` maps them to
        the table's names). Returns one row per match and per input row with an error or
        values left out, with the columns of ``hit_columns()``; ``key`` keeps its type."""

def score(name1: str, name2: str, schema: Optional[str] = None) -> float:
    """How alike two names are, from 0 to 1, for a kind of entity."""

def hit_columns() -> List[str]:
    """The columns of ``Screener.screen_arrow``'s result, in order."""
