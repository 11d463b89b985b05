"""The courses app reaches the forums only through forums.services and forums.selectors."""

import ast
from pathlib import Path

import courses

COURSES_DIR = Path(courses.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_courses_module_imports_forums_models():
    offenders = {
        path.name
        for path in COURSES_DIR.rglob("*.py")
        if any(name == "forums.models" or name.startswith("forums.models.") for name in imported_modules(path))
    }
    assert offenders == set()


def test_the_course_views_use_only_forum_services_and_selectors():
    for name in ("views.py", "learner_views.py", "services.py"):
        forum_imports = {n for n in imported_modules(COURSES_DIR / name) if n.startswith("forums")}
        assert forum_imports <= {"forums", "forums.selectors", "forums.services"}, (name, forum_imports)


def test_the_check_finds_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from forums.models import Topic\n", encoding="utf-8")
    assert "forums.models" in imported_modules(bad)


def test_the_courses_app_uses_the_videothek_only_through_its_services():
    videothek_imports = {
        name for path in COURSES_DIR.rglob("*.py") for name in imported_modules(path) if name.startswith("videothek")
    }
    assert videothek_imports <= {"videothek", "videothek.video_services"}, videothek_imports
