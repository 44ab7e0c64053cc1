"""Type stubs of the native module (python/src/lib.rs); use the functions of :mod:`allywar`."""

from typing import Any, Dict, List, Optional, Sequence, Tuple

class AllywarError(Exception):
    """An allywar error; the message is the one the CLI prints."""

class DataError(AllywarError):
    """A dataset is missing, unverified or does not read with its schema."""

class SpecError(AllywarError):
    """A request that cannot be met: unit, years, options, variables, a study's spec."""

class EstimateError(AllywarError):
    """A model that cannot be fitted (separation, too few clusters, no convergence)."""

class Frame:
    """A frame on its way to Python: ``polars.DataFrame(frame)`` reads it without a copy."""

    @property
    def height(self) -> int: ...
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...

class Fit:
    """A fitted model (wrapped by :class:`allywar.Results`)."""

    def results_json(self) -> str: ...
    def to_json(self) -> str: ...
    def summary(self) -> str: ...
    def vcov(self) -> List[List[float]]: ...
    def refit(
        self,
        predictions: Sequence[Dict[str, float]] = ...,
        first_differences: Sequence[Tuple[str, float, float]] = ...,
        sims: int = 1000,
        seed: int = 1,
        margins_at: Optional[Tuple[str, Sequence[float]]] = None,
        margins: bool = False,
    ) -> "Fit": ...

def build(
    unit: str,
    years: Optional[Tuple[int, int]] = None,
    directed: bool = True,
    prd: bool = False,
    mids: str = "gml",
    vars: Sequence[str] = ...,
    drop_ongoing: bool = False,
    conflicts: str = "war",
    crises: bool = False,
    data_dir: Optional[str] = None,
    allow_unverified: bool = False,
) -> Tuple[Frame, List[str], str]: ...
def read_frame(path: str) -> Tuple[Frame, str]: ...
def fit(
    frame: Any,
    formula: str,
    model: str = "logit",
    se: str = "classical",
    tau: Optional[float] = None,
    max_iter: Optional[int] = None,
    data: Optional[str] = None,
) -> Fit: ...
def run(argv: Sequence[str]) -> Tuple[int, str]: ...
def version() -> str: ...
def peacesciencer_vars() -> List[str]: ...
