"""The project's scripts (scripts/*.py, not a package), loaded as modules for their tests."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

from django.conf import settings


@functools.cache
def script_module(name: str) -> ModuleType:
    """scripts/<name>.py as a module, loaded once (under its own name, outside `sys.modules`)."""
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", Path(settings.BASE_DIR) / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
