"""cxsite: a static site generator for customer-experience scorecards and playbooks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cxsite")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
