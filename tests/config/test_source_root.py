"""platform/ is a source root, not a package: the standard library's `platform` module must stay importable."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PROBE = "import platform, uuid; print(platform.system()); print(uuid.uuid4().version)"


def run_python(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(extra_env or {})}
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_platform_folder_is_not_a_package():
    assert (REPO_ROOT / "platform").is_dir()
    assert not (REPO_ROOT / "platform" / "__init__.py").exists()
    assert not (REPO_ROOT / "platform" / "platform.py").exists()


def test_under_pytest_platform_is_the_standard_library_module():
    assert Path(platform.__file__).parent == Path(os.__file__).parent
    assert callable(platform.system)


@pytest.mark.parametrize(
    "pythonpath",
    [None, "platform", f"{REPO_ROOT}{os.pathsep}{REPO_ROOT / 'platform'}"],
    ids=["repository-root", "source-root-on-path", "both-on-path"],
)
def test_python_started_in_the_repository_root_imports_the_standard_platform_module(pythonpath):
    result = run_python("-c", PROBE, extra_env={"PYTHONPATH": pythonpath} if pythonpath else None)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [platform.system(), "4"]


def test_manage_py_shell_imports_the_standard_platform_module():
    result = run_python("manage.py", "shell", "-c", PROBE, extra_env={"DJANGO_SETTINGS_MODULE": "config.settings.test"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [platform.system(), "4"]
