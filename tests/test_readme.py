"""The README stays true: its quick start is what CI runs, and its Python example executes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_quick_start_is_two_commands_and_ci_runs_them():
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", README, re.S)
    assert block, "README has no quick-start bash block"
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert "kacspectral ness" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci, f".ci/run does not run the README command {command!r}"


def test_python_example_runs():
    code = re.search(r"## Python\s+```python\n(.*?)```", README, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["check"].holds
    assert str(namespace["ks"].exact_moments(namespace["problem"], 2)[2]) == "65/36"
