"""allywar from Python: the frames of the alliance literature as polars DataFrames, fits as
result objects, and the studies and multiverses of ``reports/``.

Everything here calls the library the ``allywar`` command line calls, in this process: frames
come over through the Arrow C stream interface (no file in between), fits are the CLI's fits,
and errors raise :class:`AllywarError` subclasses carrying the CLI's messages.

>>> import allywar
>>> dy = allywar.build("dyad-year", years=(1816, 2010), vars=["init", "tgt_def", "peace_years"])
>>> res = allywar.fit(dy, "init ~ tgt_def + peace_years", model="logit", se="cluster:dyad_id")
>>> res.tidy()
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import polars as pl

from . import _allywar
from ._allywar import AllywarError, DataError, EstimateError, SpecError

__all__ = [
    "AllywarError",
    "DataError",
    "EstimateError",
    "SpecError",
    "Results",
    "build",
    "data",
    "fit",
    "multiverse",
    "reproduce",
    "vars",
    "__version__",
]

__version__: str = _allywar.version()

PathLike = Union[str, "os.PathLike[str]"]
Years = Union[Tuple[int, int], int, str, None]


def _years(years: Years) -> Optional[Tuple[int, int]]:
    if years is None:
        return None
    if isinstance(years, int):
        return (years, years)
    if isinstance(years, str):
        first, _, last = years.partition(":")
        try:
            return (int(first), int(last or first))
        except ValueError:
            raise SpecError(f"years {years!r}: expected A:B, such as 1816:2010") from None
    first, last = years
    return (int(first), int(last))


def _names(names: Union[str, Sequence[str], None]) -> List[str]:
    if names is None:
        return []
    if isinstance(names, str):
        return [names]
    return list(names)


def build(
    unit: str,
    years: Years = None,
    directed: bool = True,
    prd: bool = False,
    mids: str = "gml",
    vars: Union[str, Sequence[str], None] = None,
    drop_ongoing: bool = False,
    conflicts: str = "war",
    crises: bool = False,
    data_dir: Optional[PathLike] = None,
    allow_unverified: bool = False,
    notes: bool = False,
) -> Union[pl.DataFrame, Tuple[pl.DataFrame, List[str]]]:
    """Builds an analysis frame, as ``allywar build UNIT`` does, into a polars DataFrame.

    Args:
        unit: ``dyad-year``, ``state-year``, ``joiner``, ``dispute``, ``mission``, ``us-force``,
            ``invocation``, ``commitment`` or ``alliance-year``.
        years: ``(first, last)``, one year, or ``"A:B"`` (default: the dispute source's years).
        directed: both orders of each pair (dyad-years); ``False`` keeps ccode1 < ccode2.
        prd: politically relevant dyads only.
        mids: dispute source: ``gml`` (default) or ``cow5`` (or an earlier GML release).
        vars: variables, in the order wanted (default: every variable of the unit); see
            :func:`vars`. Your own datasets' columns (``allywar data add``) are variables too.
        drop_ongoing: drop dyad-years of ongoing disputes that are not onsets.
        conflicts: ``war`` or ``mid`` (invocation and commitment frames).
        crises: keep Tago's crises without a use of force (us-force frames).
        data_dir: raw data directory (default: ``$ALLYWAR_DATA``, then ``./data/raw``).
        allow_unverified: use files whose sha256 differs from the catalog (warned).
        notes: also return the build's notes (rows dropped, collapsed, not covered).

    Returns:
        The frame, or ``(frame, notes)`` with ``notes=True``.

    Raises:
        DataError: a dataset is missing, unverified or does not read with its schema.
        SpecError: a unit, year range, option or variable that does not apply.

    Long builds release the GIL and stop at Ctrl-C.
    """
    frame, build_notes, inputs = _allywar.build(
        unit,
        years=_years(years),
        directed=directed,
        prd=prd,
        mids=mids,
        vars=_names(vars),
        drop_ongoing=drop_ongoing,
        conflicts=conflicts,
        crises=crises,
        data_dir=None if data_dir is None else os.fspath(data_dir),
        allow_unverified=allow_unverified,
    )
    for i in json.loads(inputs):
        if not i.get("verified", True):
            warnings.warn(
                f"{i['dataset']} ({i.get('file', '')}) is UNVERIFIED: its sha256 {i['sha256']} differs from the catalog's",
                stacklevel=2,
            )
    df = pl.DataFrame(frame)
    return (df, list(build_notes)) if notes else df


def _frame_and_data(frame: Any) -> Tuple[Any, str]:
    """The frame as the native fit takes it, and the provenance `fit --out` records."""
    if isinstance(frame, (str, os.PathLike)):
        native, sha256 = _allywar.read_frame(os.fspath(frame))
        return native, json.dumps([{"file": os.fspath(frame), "sha256": sha256}])
    if isinstance(frame, pl.DataFrame):
        return frame, json.dumps([{"frame": "polars DataFrame", "rows": frame.height}])
    try:
        import pandas as pd  # noqa: PLC0415 (optional dependency)
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(frame, pd.DataFrame):
        df = pl.from_pandas(frame)
        return df, json.dumps([{"frame": "pandas DataFrame", "rows": df.height}])
    if hasattr(frame, "__arrow_c_stream__"):
        return frame, json.dumps([{"frame": type(frame).__name__}])
    raise TypeError(f"fit: frame must be a polars or pandas DataFrame or a path, not {type(frame).__name__}")


class Results:
    """A fitted model, as ``allywar fit`` prints and writes it (statsmodels' and broom's ways of
    reading it: :meth:`tidy`, :meth:`glance`, :meth:`summary`, :meth:`vcov`, :meth:`margins`,
    :meth:`predict`, :meth:`first_difference`, :meth:`to_json`)."""

    def __init__(self, native: Any) -> None:
        self._native = native
        self._results: Dict[str, Any] = json.loads(native.results_json())
        self._with_margins: Any = None

    def _full(self) -> Any:
        """The fit with its average marginal effects (computed once, when first asked: on large
        frames they cost more than the fit)."""
        if self._with_margins is None:
            self._with_margins = self._native.refit(margins=True)
        return self._with_margins

    @property
    def formula(self) -> str:
        """The formula as given."""
        return self._results["formula"]

    @property
    def model(self) -> str:
        """The estimator (``ols``, ``logit``, ...)."""
        return self._results["model"]

    @property
    def variance(self) -> str:
        """The variance type (``classical``, ``hc1``, ``cluster:dyad_id``, ...)."""
        return self._results["variance"]

    @property
    def params(self) -> Dict[str, float]:
        """Coefficients by term, as statsmodels' ``params``."""
        return {c["term"]: c["estimate"] for c in self._results["coefficients"]}

    def tidy(self) -> pl.DataFrame:
        """The coefficient table in broom's names: term, estimate, std_error, statistic,
        p_value, conf_low, conf_high (95%)."""
        return pl.DataFrame(self._results["coefficients"]).select(
            "term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"
        )

    def glance(self) -> pl.DataFrame:
        """One row of model-level numbers in broom's names: nobs, logLik, AIC, BIC, r_squared,
        n_clusters, n_dropped, converged, iterations, vcov_positive_definite."""
        g = {k: v for k, v in self._results["glance"].items() if k != "dropped"}
        return pl.DataFrame([g], schema_overrides={"n_clusters": pl.Int64})

    def dropped(self) -> Dict[str, int]:
        """Rows dropped before the fit, by cause (missing values, undefined regressors, ...)."""
        return dict(self._results["glance"]["dropped"])

    def summary(self) -> str:
        """The text ``allywar fit`` prints."""
        return self._native.summary()

    def __repr__(self) -> str:
        return self.summary()

    def vcov(self) -> np.ndarray:
        """The variance matrix of the coefficients, in :meth:`tidy`'s order."""
        return np.array(self._native.vcov(), dtype=float)

    def margins(self) -> pl.DataFrame:
        """Average marginal effects as Stata's ``margins, dydx(*)``: derivatives for continuous
        regressors (through every term they enter), discrete changes for 0/1 columns and factor
        levels, with delta-method standard errors under the fit's variance."""
        rows = json.loads(self._full().results_json())["margins"]
        if not rows:
            return pl.DataFrame(schema={"term": pl.String, "kind": pl.String, "estimate": pl.Float64})
        return pl.DataFrame(rows)

    def predict(self, at: Mapping[str, float]) -> pl.DataFrame:
        """The expected outcome with the columns of ``at`` set (the others at their means), with
        a delta-method standard error and 95% interval, as ``fit --predict``."""
        native = self._native.refit(predictions=[{k: float(v) for k, v in at.items()}])
        return _predictions(json.loads(native.results_json())["predictions"])

    def margins_at(self, column: str, values: Sequence[float]) -> pl.DataFrame:
        """Average predictions over the sample with ``column`` set to each of ``values`` (Stata's
        ``margins, at()``), as ``fit --margins-at``."""
        native = self._native.refit(margins_at=(column, [float(v) for v in values]))
        return _predictions(json.loads(native.results_json())["margins_at"])

    def first_difference(self, column: str, start: float, end: float, sims: int = 1000, seed: int = 1) -> Dict[str, Any]:
        """The change in the expected outcome when ``column`` goes from ``start`` to ``end``
        (others at their means), with a simulated 95% interval from ``sims`` draws (King,
        Tomz and Wittenberg 2000), as ``fit --first-difference``."""
        native = self._native.refit(first_differences=[(column, float(start), float(end))], sims=sims, seed=seed)
        return json.loads(native.results_json())["first_differences"][0]

    def to_json(self) -> str:
        """The JSON ``allywar fit --out`` writes (margins included)."""
        return self._full().to_json()


def _predictions(rows: List[Dict[str, Any]]) -> pl.DataFrame:
    out = []
    for r in rows:
        row = {f"at_{k}": v for k, v in r["at"].items()}
        row.update({k: r[k] for k in ("estimate", "std_error", "conf_low", "conf_high")})
        out.append(row)
    return pl.DataFrame(out)


def fit(
    frame: Any,
    formula: str,
    model: str = "logit",
    se: str = "classical",
    tau: Optional[float] = None,
    max_iter: Optional[int] = None,
) -> Results:
    """Fits ``formula`` to a frame, as ``allywar fit`` does.

    Args:
        frame: a polars or pandas DataFrame, anything with ``__arrow_c_stream__``, or the path of
            a frame file (Parquet, Arrow IPC, CSV, Stata .dta) or of a folder that
            ``allywar build --partition year`` wrote.
        formula: ``outcome ~ terms [| fixed effects]``: ``I()``, ``log()``, ``a:b``, ``a*b``,
            ``C()``.
        model: ``ols``, ``logit``, ``probit``, ``poisson``, ``negbin``, ``ologit``, ``mlogit`` or
            ``relogit``.
        se: ``classical`` (the CLI's default), ``hc0``, ``hc1``/``robust``, ``hc3``,
            ``cluster:VAR``, ``twoway:A,B`` or ``dyadic:A,B``.
        tau: the population share of events, for ``relogit``'s prior correction.
        max_iter: iteration limit.

    Raises:
        EstimateError: separation, too few clusters, no convergence, a singular design.
        SpecError: an unknown estimator or variance, a formula that does not parse.
    """
    native_frame, data = _frame_and_data(frame)
    return Results(_allywar.fit(native_frame, formula, model=model, se=se, tau=tau, max_iter=max_iter, data=data))


def _run(*argv: Any) -> str:
    code, stdout = _allywar.run([os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in argv])
    if code != 0:
        raise AllywarError(f"allywar {' '.join(map(str, argv))} exited with status {code}:\n{stdout}")
    return stdout


def _data_args(data_dir: Optional[PathLike]) -> List[str]:
    return [] if data_dir is None else ["--data-dir", os.fspath(data_dir)]


def vars(unit: Optional[str] = None, mids: Optional[str] = None, data_dir: Optional[PathLike] = None) -> pl.DataFrame:
    """Every variable a unit can carry (all units if none is named): unit, name, kind,
    definition, source, years, as ``allywar vars --json``."""
    argv = ["vars", *([unit] if unit else []), "--json", *(["--mids", mids] if mids else []), *_data_args(data_dir)]
    rows = json.loads(_run(*argv))
    for r in rows:
        r["years"] = "; ".join(
            (f"{y['mids']} " if y.get("mids") else "") + f"{y['first']}–{y['last']}" for y in r["years"]
        )
    return pl.DataFrame(rows, schema={"unit": pl.String, "name": pl.String, "kind": pl.String, "definition": pl.String, "source": pl.String, "years": pl.String})


def reproduce(
    study: Union[str, Sequence[str], None] = None,
    force: bool = False,
    reports: PathLike = "reports",
    data_dir: Optional[PathLike] = None,
    mirror: Optional[str] = None,
) -> str:
    """Runs studies of ``reports/`` (all of them by default), as ``allywar reproduce``: their
    tables, figures, results.json and ``reports/index.html``. Studies whose inputs are unchanged
    are skipped unless ``force``. Returns what the command printed."""
    argv: List[str] = ["reproduce", *_names(study), "-q", "--reports", os.fspath(reports), *_data_args(data_dir)]
    if force:
        argv.append("--force")
    if mirror:
        argv += ["--mirror", mirror]
    return _run(*argv)


def multiverse(
    study: str,
    reports: PathLike = "reports",
    data_dir: Optional[PathLike] = None,
    term: Optional[str] = None,
    limit: Optional[int] = None,
    jobs: Optional[int] = None,
    out: Optional[PathLike] = None,
) -> pl.DataFrame:
    """Fits every specification of a study's multiverse, as ``allywar multiverse STUDY``; returns
    one row per specification (its choices, estimate, interval and status). The files
    (multiverse.parquet/csv/md, the curve) go to ``out`` (default: a temporary folder)."""
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="allywar-multiverse-"))
    argv: List[str] = ["multiverse", study, "-q", "--reports", os.fspath(reports), "--out", str(folder), *_data_args(data_dir)]
    if term:
        argv += ["--term", term]
    if limit is not None:
        argv += ["--limit", str(limit)]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
    _run(*argv)
    return pl.read_parquet(folder / "multiverse.parquet")


from . import data  # noqa: E402  (the submodule uses _run above)
