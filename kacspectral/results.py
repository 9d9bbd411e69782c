"""One shape for every result: frozen dataclasses with ``to_dict``, ``save`` and :func:`load`.

Every public problem and result of kacspectral is a frozen dataclass deriving from
:class:`ResultMixin`.  They share the verbs

``to_dict()``  a JSON-ready dict (``json.dumps(..., allow_nan=False)`` accepts it) holding every
               field -- the solution coefficients included -- plus ``version`` (kacspectral's)
               and ``versions`` (:func:`kacspectral.provenance.versions`);
``save(path)`` writes ``to_dict()`` as one JSON file;
``load(path)`` (module level, ``ks.load``) gives the object back, of the same type and with
               bit-for-bit equal arrays and exact rationals (``load(p) == obj`` field by field).

They pickle with the standard library (no closures inside), so they travel through
``multiprocessing``, :mod:`concurrent.futures`, joblib or Dask.

Encoding (format ``kacspectral.result/1``)
------------------------------------------
* A registered dataclass: ``{"__type__": "NessResult", <field>: <value>, ...}``; the outermost
  one also carries ``"format"``, ``"version"`` and ``"versions"``.
* A numpy array: ``{"__type__": "ndarray", "dtype": "float64", "shape": [...], "data": nested
  list}``; complex arrays store ``"real"`` and ``"imag"`` lists instead of ``"data"``.
* An exact rational (:class:`fractions.Fraction`, the one exact type of the package): the string
  ``"65/36"`` where the field's type annotation says ``Fraction``, else
  ``{"__type__": "Fraction", "value": "65/36"}``.
* A tuple: a list where the annotation says ``tuple``, else ``{"__type__": "tuple", ...}``.
* A non-finite float: ``{"__type__": "float", "value": "nan" | "inf" | "-inf"}`` (JSON has no
  NaN or infinity; no ``NaN`` token is ever written).

Why one JSON file with decimal floats, and why it is exact.  Python writes a float with
``repr``, the shortest decimal string that reads back to the *same* IEEE-754 double (the
round-trip guarantee of ``float.__repr__`` since Python 3.1, used by :mod:`json`), so a float64
array written as decimal numbers is read back bit for bit (``-0.0`` included; NaN payloads are
not kept).  float32 and integer arrays convert exactly through Python floats / ints; extended
precision (``longdouble``) is refused.  A single self-describing text file is friendlier than a
``.npz`` beside a JSON header (one file to move, readable by any JSON tool, diffable); the cost
is size (about 20 bytes per float, against 8): a ``NessResult`` is a few kB, an
``EvolutionResult`` of 100 times x 2000 coefficients about 4 MB.

Loading only builds objects of registered kacspectral types from data: no code is evaluated
and no module outside ``kacspectral`` is imported.  Kernels are rebuilt from their name or
exact expression (:func:`kacspectral.physics.kernels.get_kernel`); a kernel made from a Python
callable pickles but cannot be saved as JSON (``to_dict`` records its description; ``load``
refuses it with a ValueError).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import os
import tempfile
import types
import typing
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import numpy as np

from kacspectral._version import __version__
from kacspectral.provenance import versions

__all__ = [
    "FORMAT",
    "ResultMixin",
    "from_dict",
    "load",
    "register_codec",
    "registered_types",
    "encode",
]

#: Identifier and version of the file format written by :meth:`ResultMixin.save`.
FORMAT = "kacspectral.result/1"
_TAG = "__type__"
_RESERVED = (_TAG, "format", "version", "versions")

T = TypeVar("T", bound="ResultMixin")


@dataclasses.dataclass(frozen=True)
class _Codec:
    cls: type
    encode: Callable[[Any], dict]  # object -> JSON-ready dict (without the tag)
    decode: Callable[[dict], Any]  # that dict -> object
    module: str


_REGISTRY: dict[str, _Codec] = {}
_HINTS: dict[type, dict[str, Any]] = {}


def register_codec(
    cls: type, encode: Callable[[Any], dict], decode: Callable[[dict], Any],
    name: str | None = None,
) -> None:
    """Register how a non-dataclass type (e.g. an angular kernel) is written and read back.

    ``encode(obj)`` returns a JSON-ready dict; ``decode(that dict)`` rebuilds the object.
    """
    key = name or cls.__name__
    old = _REGISTRY.get(key)
    if old is not None and old.cls is not cls and old.module != cls.__module__:
        raise ValueError(f"result type name {key!r} is already registered by {old.module}")
    _REGISTRY[key] = _Codec(cls, encode, decode, cls.__module__)


def registered_types() -> dict[str, type]:
    """Name -> class of every type :func:`load` can rebuild (after ``import kacspectral``)."""
    _import_package()
    return {k: c.cls for k, c in sorted(_REGISTRY.items())}


class ResultMixin:
    """Base of kacspectral's frozen dataclasses (problems and results): the shared verbs.

    A subclass is registered under its class name (``_result_name`` overrides it) when it is
    defined, so that :func:`load` can restore its type.  Subclasses whose fields cannot be set
    back verbatim may override :meth:`_from_fields` (default: ``__init__`` is bypassed and the
    decoded fields are set as they were saved, so nothing is re-rounded).
    """

    _result_name: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("_result_name") or cls.__name__
        register_codec(cls, _encode_fields, cls._from_fields, name=name)

    # ------------------------------------------------------------------ verbs
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of every field, with ``format``, ``version`` and ``versions``.

        ``json.dumps(obj.to_dict(), allow_nan=False)`` always succeeds; :func:`from_dict`
        inverts it exactly (module docstring).
        """
        out = encode(self)
        head = {_TAG: out.pop(_TAG), "format": FORMAT, "version": __version__,
                "versions": versions()}
        head.update(out)
        return head

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_dict` to ``path`` as JSON (atomically); :func:`load` reads it back.

        Returns the path written.
        """
        text = json.dumps(self.to_dict(), allow_nan=False)
        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp",
                                   dir=path.parent if str(path.parent) else ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.write("\n")
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return path

    @classmethod
    def _from_fields(cls: type[T], fields: dict[str, Any]) -> T:
        obj = object.__new__(cls)
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in fields:
                object.__setattr__(obj, f.name, fields[f.name])
            elif f.default is not dataclasses.MISSING:
                object.__setattr__(obj, f.name, f.default)
            elif f.default_factory is not dataclasses.MISSING:
                object.__setattr__(obj, f.name, f.default_factory())
            else:
                raise ValueError(f"saved {cls.__name__} lacks the field {f.name!r}")
        return obj


# ---------------------------------------------------------------------- encoding
def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        try:
            _HINTS[cls] = typing.get_type_hints(cls)
        except Exception:  # unresolvable annotation: fall back to tagged values
            _HINTS[cls] = {}
    return _HINTS[cls]


def _strip_optional(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
    return hint


def _encode_fields(obj: Any) -> dict:
    hints = _hints(type(obj))
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in _RESERVED:
            raise TypeError(f"{type(obj).__name__}: field name {f.name!r} is reserved")
        try:
            out[f.name] = _encode(getattr(obj, f.name), hints.get(f.name))
        except TypeError as exc:
            raise TypeError(f"{type(obj).__name__}.{f.name}: {exc}") from None
    return out


def _encode_float(x: float) -> Any:
    x = float(x)
    if math.isfinite(x):
        return x
    return {_TAG: "float", "value": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def _encode_array(a: np.ndarray) -> dict:
    out: dict[str, Any] = {_TAG: "ndarray", "dtype": a.dtype.name, "shape": list(a.shape)}
    kind = a.dtype.kind

    def flt(v: np.ndarray) -> Any:
        if np.all(np.isfinite(v)):
            return v.tolist()
        return _nested(v)

    if kind == "f":
        if a.dtype.itemsize > 8:
            raise TypeError(f"arrays of {a.dtype} cannot be written exactly as JSON")
        out["data"] = flt(a)
    elif kind == "c":
        if a.dtype.itemsize > 16:
            raise TypeError(f"arrays of {a.dtype} cannot be written exactly as JSON")
        out["real"] = flt(a.real)
        out["imag"] = flt(a.imag)
    elif kind in "iub":
        out["data"] = a.tolist()
    else:
        raise TypeError(f"arrays of dtype {a.dtype} are not supported")
    return out


def _nested(v: np.ndarray) -> Any:
    if v.ndim == 0:
        return _encode_float(float(v))
    return [_nested(x) for x in v]


def _encode(value: Any, hint: Any = None) -> Any:
    hint = _strip_optional(hint)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, Fraction):
        return str(value) if hint is Fraction else {_TAG: "Fraction", "value": str(value)}
    if isinstance(value, (float, np.floating)):
        return _encode_float(float(value))
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if isinstance(value, complex):
        return {_TAG: "complex", "real": _encode_float(value.real),
                "imag": _encode_float(value.imag)}
    codec = _codec_of(value)
    if codec is not None:
        return _tagged(codec, value)
    origin = typing.get_origin(hint) or hint
    args = typing.get_args(hint)
    if isinstance(value, tuple):
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                items = [_encode(v, args[0]) for v in value]
            elif len(args) == len(value):
                items = [_encode(v, h) for v, h in zip(value, args, strict=True)]
            else:
                items = [_encode(v) for v in value]
            return items
        return {_TAG: "tuple", "items": [_encode(v) for v in value]}
    if isinstance(value, list):
        item = args[0] if origin is list and args else None
        return [_encode(v, item) for v in value]
    if isinstance(value, dict):
        item = args[1] if origin is dict and len(args) == 2 else None
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"dict keys must be strings to be saved, got {k!r}")
            if k == _TAG:
                raise TypeError(f"dict key {_TAG!r} is reserved")
            out[k] = _encode(v, item)
        return out
    raise TypeError(
        f"cannot encode a {type(value).__name__} (register it with register_codec or make it a "
        "ResultMixin dataclass)"
    )


def _codec_of(value: Any) -> _Codec | None:
    for attempt in range(2):
        for codec in _REGISTRY.values():
            if type(value) is codec.cls:
                return codec
        if attempt == 0 and type(value).__module__.startswith("kacspectral."):
            _import_package()  # registers the codecs of the physics layer (kernels)
    return None


def _tagged(codec: _Codec, value: Any) -> dict:
    name = next(k for k, c in _REGISTRY.items() if c is codec)
    out = {_TAG: name}
    out.update(codec.encode(value))
    return out


def encode(obj: Any) -> Any:
    """The JSON-ready form of ``obj`` (a registered dataclass, array, Fraction, list, ...)."""
    return _encode(obj)


# ---------------------------------------------------------------------- decoding
def _import_package() -> None:
    importlib.import_module("kacspectral")  # the facade imports every public result type


def _decode_float(v: Any) -> float:
    if isinstance(v, dict) and v.get(_TAG) == "float":
        return float(v["value"])
    return float(v)


def _decode_array(d: dict) -> np.ndarray:
    dtype = np.dtype(d["dtype"])
    shape = tuple(int(s) for s in d["shape"])

    def flt(data: Any) -> np.ndarray:
        arr = np.array(_map_nested(data), dtype=np.float64 if dtype.kind == "c" else dtype)
        return arr.reshape(shape)

    if dtype.kind == "c":
        out = np.empty(shape, dtype=dtype)
        out.real = flt(d["real"])
        out.imag = flt(d["imag"])
        return out
    if dtype.kind == "f":
        return flt(d["data"])
    if dtype.kind in "iub":
        return np.array(d["data"], dtype=dtype).reshape(shape)
    raise ValueError(f"unsupported array dtype {d['dtype']!r}")


def _map_nested(data: Any) -> Any:
    if isinstance(data, list):
        return [_map_nested(x) for x in data]
    if isinstance(data, dict):
        return _decode_float(data)
    return data


def _decode(value: Any, hint: Any = None) -> Any:
    hint = _strip_optional(hint)
    if isinstance(value, dict):
        tag = value.get(_TAG)
        if tag is None:
            origin = typing.get_origin(hint) or hint
            args = typing.get_args(hint)
            item = args[1] if origin is dict and len(args) == 2 else None
            return {k: _decode(v, item) for k, v in value.items()}
        if tag == "ndarray":
            return _decode_array(value)
        if tag == "Fraction":
            return Fraction(value["value"])
        if tag == "float":
            return _decode_float(value)
        if tag == "complex":
            return complex(_decode_float(value["real"]), _decode_float(value["imag"]))
        if tag == "tuple":
            return tuple(_decode(v) for v in value["items"])
        codec = _REGISTRY.get(tag)
        if codec is None:
            _import_package()
            codec = _REGISTRY.get(tag)
        if codec is None:
            raise ValueError(f"unknown result type {tag!r} (known: {sorted(_REGISTRY)})")
        body = {k: v for k, v in value.items() if k not in _RESERVED}
        if dataclasses.is_dataclass(codec.cls):
            hints = _hints(codec.cls)
            body = {k: _decode(v, hints.get(k)) for k, v in body.items()}
        return codec.decode(body)
    if isinstance(value, str):
        if hint is Fraction:
            return Fraction(value)
        return value
    if isinstance(value, list):
        origin = typing.get_origin(hint) or hint
        args = typing.get_args(hint)
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return tuple(_decode(v, args[0]) for v in value)
            if len(args) == len(value):
                return tuple(_decode(v, h) for v, h in zip(value, args, strict=True))
            return tuple(_decode(v) for v in value)
        item = args[0] if origin is list and args else None
        return [_decode(v, item) for v in value]
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def from_dict(data: dict) -> Any:
    """Rebuild an object from its :meth:`ResultMixin.to_dict` form (exactly).

    Raises
    ------
    ValueError
        If ``data`` is not a kacspectral result dict or names an unknown type or format.
    """
    if not isinstance(data, dict) or _TAG not in data:
        raise ValueError(
            f"not a kacspectral result: expected a dict with a {_TAG!r} key, got "
            f"{type(data).__name__}"
        )
    fmt = data.get("format", FORMAT)
    if not (isinstance(fmt, str) and fmt.split("/")[0] == FORMAT.split("/")[0]
            and fmt.split("/")[-1] == FORMAT.split("/")[-1]):
        raise ValueError(f"unsupported result format {fmt!r}; this version reads {FORMAT!r}")
    return _decode(data)


def load(path: str | os.PathLike[str]) -> Any:
    """Read a result written by ``.save(path)`` (or the CLI's ``--output``): same type, exact.

    Parameters
    ----------
    path : str or os.PathLike
        A JSON file in the format ``kacspectral.result/1`` (:data:`FORMAT`).

    Returns
    -------
    object
        The saved problem or result, rebuilt from data only (registered kacspectral types; no
        code is evaluated): float arrays bit for bit, exact numbers as ``Fraction``.

    Raises
    ------
    ValueError
        If the file is not valid JSON or not a kacspectral result.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{os.fspath(path)!r} is not a JSON file: {exc}") from None
    return from_dict(data)
