"""The ``s2s`` command line: look at the source s2s generates for a function in a file.

    s2s show path/to/file.py:func               the final generated source
    s2s show package.module:func --stage parse  the function as parsed, names resolved
    s2s cache clear --older-than 30             remove generated code unused for 30 days

The command is a thin shell over the library: the target is imported, handed to
:func:`build_transform` (where transformation flags plug in) and printed with :func:`s2s.show`.
"""

from __future__ import annotations

import argparse
import builtins
import importlib
import importlib.util
import io
import keyword
import os
import sys
import time
import token
import tokenize
import traceback
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .ad import grad
from .errors import S2SError
from .forward import hessian, jacfwd, jacrev, jvp_transform
from .frontend.source import is_function
from .jit import jit
from .pipeline import STAGES
from .show import show
from .vmap import vmap

PROG = "s2s"
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2


class CLIError(Exception):
    """A problem with what the user asked for: reported as one line, exit status 2."""


# -- argument parsing ----------------------------------------------------------------------------
DESCRIPTION = """\
Differentiate, batch and compile imperative NumPy code by source-to-source transformation.

The command line shows what s2s generates for a function, so you can read, diff or debug it."""

SHOW_DESCRIPTION = """\
Print the source that s2s generates for a function.

TARGET names the function as FILE.py:NAME (a path, relative to the current directory or
absolute; the file is imported as a module with its directory on sys.path, so it may import
its siblings) or as MODULE:NAME (an importable dotted module name). NAME may be dotted to reach
an attribute, as in module:namespace.func."""

SHOW_EPILOG = """\
stages:
  parse      the function and the helpers it calls, names resolved (numpy as np., math as math.)
  normalize  checked against the supported subset, method calls desugared, A-normal form
  final      what the backend compiles (the default)

examples:
  s2s show model.py:loss
  s2s show model.py:loss --stage parse
  s2s show mypackage.physics:energy --color never > energy_generated.py"""


CACHE_DESCRIPTION = """\
Generated modules and what Numba compiles from them are kept in the cache directory
($S2S_CACHE_DIR, default ~/.cache/s2s), so that a new process loads compiled code instead of
compiling again; so is the compiled code of the runtime's helpers (a folder runtime-<hash>
per version of s2s), so that a new function compiles only itself. Every change to a
function's source adds files; 'clear' removes them (all, or with --older-than those no
program has loaded for that many days). Numba's own cache, when NUMBA_CACHE_DIR moves it
elsewhere, is not touched.

examples:
  s2s cache
  s2s cache clear --older-than 30"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog="Run 's2s COMMAND --help' for the options of a command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--traceback",
        action="store_true",
        help="on errors, print the full Python traceback (for debugging s2s itself)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    commands.required = True

    show_parser = commands.add_parser(
        "show",
        help="print the source s2s generates for a function",
        description=SHOW_DESCRIPTION,
        epilog=SHOW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show_parser.add_argument("target", metavar="TARGET", help="FILE.py:NAME or MODULE:NAME")
    show_parser.add_argument(
        "--stage",
        choices=STAGES,
        default="final",
        help="which stage of the pipeline to print (default: %(default)s)",
    )
    show_parser.add_argument(
        "--color",
        "--colour",
        dest="color",
        choices=("auto", "always", "never"),
        default="auto",
        help="syntax-highlight the output: 'auto' when writing to a terminal "
        "(and NO_COLOR is unset), 'always' or 'never' (default: %(default)s)",
    )
    transforms = show_parser.add_argument_group("transformations (read by build_transform)")
    transforms.add_argument(
        "--grad", action="store_true", help="show the gradient (reverse mode) of the function"
    )
    transforms.add_argument(
        "--jvp", action="store_true", help="show the Jacobian-vector product (forward mode)"
    )
    transforms.add_argument(
        "--hessian", action="store_true", help="show the Hessian (forward over reverse)"
    )
    transforms.add_argument(
        "--jacfwd", action="store_true", help="show the Jacobian by forward mode, by columns"
    )
    transforms.add_argument(
        "--jacrev", action="store_true", help="show the Jacobian by reverse mode, by rows"
    )
    transforms.add_argument(
        "--vmap", action="store_true", help="show the batched function (after --grad etc.)"
    )
    transforms.add_argument(
        "--in-axes",
        dest="in_axes",
        type=parse_in_axes,
        default=0,
        metavar="A[,A...]",
        help="with --vmap: the batch axis of each argument, None to broadcast (default: 0)",
    )
    transforms.add_argument(
        "--target",
        dest="backend",
        choices=("cpu", "cuda"),
        default="cpu",
        help="with --vmap: 'cuda' shows the CUDA kernel (default: %(default)s)",
    )
    transforms.add_argument(
        "--argnums",
        type=parse_argnums,
        default=0,
        metavar="K[,K...]",
        help="the argument(s) to differentiate, e.g. 0 or 0,1 (default: 0; --hessian: one)",
    )
    show_parser.set_defaults(handler=run_show)

    cache_parser = commands.add_parser(
        "cache",
        help="list or clear the generated modules and compiled code s2s keeps",
        description=CACHE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cache_parser.add_argument(
        "action", choices=("info", "clear"), nargs="?", default="info", help="(default: info)"
    )
    cache_parser.add_argument(
        "--older-than",
        dest="older_than",
        type=float,
        metavar="DAYS",
        help="with clear: only what no program has loaded for DAYS days",
    )
    cache_parser.set_defaults(handler=run_cache)
    return parser


def parse_argnums(text: str) -> int | tuple[int, ...]:
    """An ``--argnums`` value: ``"0"`` -> ``0``, ``"0,1"`` -> ``(0, 1)``, ``"1,"`` -> ``(1,)``.

    >>> parse_argnums("0"), parse_argnums("0, 2"), parse_argnums("1,")
    (0, (0, 2), (1,))
    """
    parts = _comma_list(text, "argument numbers")
    values = tuple(_parse_int(part, text, "argument numbers") for part in parts)
    return values if "," in text else values[0]


def parse_in_axes(text: str) -> int | None | tuple[int | None, ...]:
    """An ``--in-axes`` value: ``"0"`` -> ``0``, ``"None"`` -> ``None``,
    ``"0,None,-1"`` -> ``(0, None, -1)``.

    >>> parse_in_axes("0,None,-1"), parse_in_axes("None"), parse_in_axes("1")
    ((0, None, -1), None, 1)
    """
    parts = _comma_list(text, "axes")
    values = tuple(
        None if part.lower() == "none" else _parse_int(part, text, "axes") for part in parts
    )
    return values if "," in text else values[0]


def _comma_list(text: str, what: str) -> list[str]:
    parts = [part.strip() for part in text.split(",")]
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()  # one trailing comma: "1," is the one-element tuple
    if not parts or any(part == "" for part in parts):
        raise argparse.ArgumentTypeError(
            f"invalid {what} {text!r}: expected a comma-separated list such as '0,1'"
        )
    return parts


def _parse_int(part: str, text: str, what: str) -> int:
    try:
        return int(part)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid {what} {text!r}: {part!r} is not an integer"
        ) from None


# -- commands ------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse has printed them
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return args.handler(args)
    except (CLIError, S2SError) as exc:  # an S2SError's message points at the user's source
        return _fail(str(exc), args)
    except Exception as exc:
        first_line = next(iter(str(exc).strip().splitlines()), "")
        message = f"internal error: {type(exc).__name__}: {first_line}"
        if not args.traceback:
            message += " (run with --traceback for details)"
        return _fail(message, args, EXIT_INTERNAL)


def _fail(message: str, args: argparse.Namespace, status: int = EXIT_USAGE) -> int:
    if getattr(args, "traceback", False):
        traceback.print_exc()
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def run_show(args: argparse.Namespace) -> int:
    fn = load_target(args.target)
    obj = build_transform(fn, args)
    text = show(obj, args.stage)
    out = sys.stdout
    if use_color(args.color, out):
        text = highlight(text)
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:  # `s2s show ... | head`: the reader went away, which is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
    return EXIT_OK


def run_cache(args: argparse.Namespace) -> int:
    from .cachedir import cache_dir
    from .codegen import cache

    root = cache_dir()
    if args.action == "clear":
        done = cache.clear(root, args.older_than)
        print(
            f"removed {done.modules} generated module(s) and {done.runtime_folders} folder(s) of "
            f"compiled runtime helpers from {root}, {cache.human_size(done.freed)}"
        )
        return EXIT_OK
    if args.older_than is not None:
        raise CLIError("--older-than goes with 'clear'")
    modules, leftovers = cache.entries(root)
    folders = cache.runtime_folders(root)
    size = sum(e.size for e in modules) + sum(map(cache.file_size, leftovers))
    print(f"cache directory: {root}")
    print(f"generated modules: {len(modules)}, with their compiled code {cache.human_size(size)}")
    helpers = cache.human_size(sum(map(cache.folder_size, folders)))
    print(f"compiled runtime helpers: {len(folders)} version(s) of the runtime, {helpers}")
    used = [e.last_used for e in modules] + [cache.last_used(f) for f in folders]
    if used:
        days = (time.time() - min(used)) / 86400.0
        print(f"least recently used: {days:.1f} days ago")
    return EXIT_OK


def build_transform(fn: Any, args: argparse.Namespace) -> Any:
    """The object to show for ``fn`` given the command-line options in ``args``.

    Transformation flags apply here (``--grad`` gives ``s2s.grad(fn, argnums)``); with none
    given, the function itself.
    """
    if sum((args.grad, args.jvp, args.hessian, args.jacfwd, args.jacrev)) > 1:
        raise S2SError("choose one of --grad, --jvp, --hessian, --jacfwd and --jacrev")
    if args.grad:
        fn = grad(fn, argnums=args.argnums, jit=False)
    elif args.hessian:
        fn = hessian(fn, argnums=args.argnums, jit=False)
    elif args.jacfwd:
        fn = jacfwd(fn, argnums=args.argnums, jit=False)
    elif args.jacrev:
        fn = jacrev(fn, argnums=args.argnums, jit=False)
    elif args.jvp:
        fn = jvp_transform(fn)
    if args.vmap:
        fn = vmap(fn, in_axes=args.in_axes, jit=False)
    if args.backend == "cuda":
        if not args.vmap:
            raise S2SError("--target cuda shows batched functions: add --vmap")
        fn = jit(fn, target="cuda")
    return fn


# -- loading the target --------------------------------------------------------------------------
def split_target(target: str) -> tuple[str, str]:
    """``'dir/file.py:f'`` -> ``('dir/file.py', 'f')``; ``'pkg.mod:f'`` -> ``('pkg.mod', 'f')``."""
    where, sep, name = target.rpartition(":")
    if not sep or not where or not name:
        raise CLIError(f"invalid target {target!r}: expected FILE.py:FUNCTION or MODULE:FUNCTION")
    if not all(part.isidentifier() for part in name.split(".")):
        raise CLIError(f"invalid target {target!r}: {name!r} is not a function name")
    return where, name


def load_target(target: str) -> Any:
    """The function that ``target`` names, importing its file or module."""
    where, name = split_target(target)
    if _looks_like_path(where):
        module = import_file(Path(where))
        origin = f"'{where}'"
    else:
        module = import_module(where)
        origin = f"module '{where}'"
    value: Any = module
    for attr in name.split("."):
        try:
            value = getattr(value, attr)
        except AttributeError:
            raise CLIError(f"{origin} has no function {name!r}") from None
    if not _is_showable(value):
        raise CLIError(f"{name!r} in {origin} is a {type(value).__name__}, not a function")
    return value


def _is_showable(value: Any) -> bool:
    """A Python function, a jitted one, or the result of an s2s transformation."""
    return getattr(value, "__s2s_program__", None) is not None or is_function(value)


def _looks_like_path(where: str) -> bool:
    return where.endswith(".py") or os.sep in where or "/" in where or Path(where).is_file()


def import_file(path: Path) -> types.ModuleType:
    """Import the Python file at ``path`` as a module, its directory on ``sys.path``.

    A file inside a package (a directory with ``__init__.py``) is imported under its dotted
    name with the package's parent directory on ``sys.path``, so relative imports work too.
    """
    if not path.exists():
        raise CLIError(f"no such file: '{path}'")
    if not path.is_file():
        raise CLIError(f"not a file: '{path}'")
    path = path.resolve()
    package_parts, root = [], path.parent
    while (root / "__init__.py").is_file() and root.name.isidentifier():
        package_parts.insert(0, root.name)
        root = root.parent
    _add_to_sys_path(path.parent)
    if package_parts and path.stem.isidentifier():
        _add_to_sys_path(root)
        return import_module(".".join([*package_parts, path.stem]), origin=str(path))
    name = path.stem if path.stem.isidentifier() else "_s2s_target"
    existing = sys.modules.get(name)
    if existing is not None:
        if _same_file(getattr(existing, "__file__", None), path):
            return existing
        name = f"_s2s_target_{name}"  # do not shadow an unrelated module of the same name
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CLIError(f"cannot import '{path}': not a Python source file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:
        del sys.modules[name]
        raise CLIError(f"cannot import '{path}': {_describe(exc)}") from exc
    return module


def import_module(name: str, origin: str | None = None) -> types.ModuleType:
    """Import the module ``name``, reporting any failure as one line."""
    _add_to_sys_path(Path.cwd())  # as `python -m` does: modules in the current directory
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if origin is None and exc.name is not None and name.startswith(exc.name):
            raise CLIError(f"no module named '{name}'") from exc
        raise CLIError(f"cannot import '{origin or name}': {_describe(exc)}") from exc
    except BaseException as exc:
        raise CLIError(f"cannot import '{origin or name}': {_describe(exc)}") from exc


def _add_to_sys_path(directory: Path) -> None:
    entry = str(directory)
    if entry not in sys.path:
        sys.path.insert(0, entry)


def _same_file(filename: str | None, path: Path) -> bool:
    try:
        return filename is not None and Path(filename).resolve() == path
    except OSError:
        return False


def _describe(exc: BaseException) -> str:
    """An exception as one line: ``'SyntaxError: invalid syntax (f.py, line 3)'``."""
    if isinstance(exc, SystemExit):
        return f"the module called exit({exc.code!r}) while being imported"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- colour --------------------------------------------------------------------------------------
_RESET = "\x1b[0m"
STYLES = {
    "keyword": "\x1b[1;35m",  # bold magenta
    "builtin": "\x1b[36m",  # cyan
    "number": "\x1b[33m",  # yellow
    "string": "\x1b[32m",  # green
    "comment": "\x1b[90m",  # grey
    "module": "\x1b[34m",  # blue: np.sum, math.sin, _s2s.save
    "definition": "\x1b[1;34m",  # bold blue: the name after `def`
}
_MODULE_ROOTS = frozenset({"np", "math", "_s2s"})
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_KEYWORDS = frozenset(keyword.kwlist)


def use_color(choice: str, stream: TextIO) -> bool:
    """Whether to colour output written to ``stream`` for ``--color choice``."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def highlight(source: str) -> str:
    """``source`` with ANSI colours for keywords, builtins, literals, comments, ``np.`` names.

    Text that does not tokenize is returned unchanged.
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position: tuple[int, int]) -> int:
        row, col = position
        return starts[row - 1] + col if row - 1 < len(starts) else len(source)

    out: list[str] = []
    done = 0  # characters of `source` already written

    def paint(begin: int, end: int, style: str) -> None:
        nonlocal done
        out.append(source[done:begin])
        out.append(_paint(source[begin:end], STYLES[style]))
        done = end

    k = 0
    previous = None
    while k < len(tokens):
        tok = tokens[k]
        style = _style(tok, previous)
        if style == "module":
            last = k  # the whole chain np.linalg.solve
            while (
                last + 2 < len(tokens)
                and tokens[last + 1].string == "."
                and tokens[last + 2].type == token.NAME
            ):
                last += 2
            paint(offset(tok.start), offset(tokens[last].end), style)
            previous, k = tokens[last], last + 1
            continue
        if style is not None:
            paint(offset(tok.start), offset(tok.end), style)
        if tok.type not in (token.NL, token.NEWLINE, token.INDENT, token.DEDENT, token.COMMENT):
            previous = tok
        k += 1
    out.append(source[done:])
    return "".join(out)


def _style(tok: tokenize.TokenInfo, previous: tokenize.TokenInfo | None) -> str | None:
    after_dot = previous is not None and previous.string == "."
    if tok.type == token.NAME:
        if tok.string in _KEYWORDS:
            return "keyword"
        if previous is not None and previous.string in ("def", "class"):
            return "definition"
        if after_dot:
            return None  # an attribute: x.sum is not the builtin sum
        if tok.string in _MODULE_ROOTS:
            return "module"
        if tok.string in _BUILTINS:
            return "builtin"
        return None
    if tok.type == token.NUMBER:
        return "number"
    if tok.type == token.STRING:
        return "string"
    if tok.type == token.COMMENT:
        return "comment"
    return None


def _paint(text: str, style: str) -> str:
    # Colour each line on its own, so a multi-line string does not bleed into a pager's margin.
    return "\n".join(f"{style}{line}{_RESET}" if line else line for line in text.split("\n"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
