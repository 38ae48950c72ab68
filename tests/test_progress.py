"""Progress bars: on a terminal, every command that can take long draws one per stage on standard error, with the
stage's true total; off a terminal (a pipe, a file, CliRunner), nothing."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from support import LAB_A

from rdfnotes.cli import cli


def on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run ``rdfnotes ARGS`` with its standard error on a pseudo-terminal: exit status, stdout, what the terminal
    showed (bars redraw with carriage returns)."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-c", "from rdfnotes.cli import main; main()", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    out, _ = process.communicate(timeout=120)
    os.close(leader)
    return process.returncode, out.decode("utf-8"), shown.decode("utf-8", "replace")


def final_bars(shown: str) -> list[str]:
    """The last state of each bar drawn (what the terminal shows once the command ends)."""
    plain = re.sub(r"\x1b\[\?25[lh]", "", shown)
    bars = []
    for line in plain.split("\n"):
        drawn = [part.strip() for part in line.split("\r") if part.strip()]
        if drawn:
            bars.append(drawn[-1])
    return bars


def test_load_validate_and_the_html_export_show_bars_with_true_totals_on_a_terminal(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    code, out, shown = on_a_terminal("--store", store, "load", str(LAB_A))
    assert code == 0 and out.startswith("Loaded 10 files")
    bars = final_bars(shown)
    assert any(re.fullmatch(r"Reading\s+\[#+\]\s+10/10", bar) for bar in bars), bars
    assert any(re.fullmatch(r"Writing\s+\[#+\]\s+10/10", bar) for bar in bars), bars
    assert "/0" not in shown, "no bar without its total"
    code, _, shown = on_a_terminal("--store", store, "export", "--format", "html", "-o", str(tmp_path / "site"))
    assert code == 0
    assert any(re.fullmatch(r"Pages\s+\[#+\]\s+14/14", bar) for bar in final_bars(shown)), final_bars(shown)
    code, _, shown = on_a_terminal("--store", store, "validate", str(LAB_A))
    assert code == 0
    # the notes read again, then each query the shapes compile to: a bar that ends full
    assert any(re.fullmatch(r"Checking\s+\[#+\]\s+(\d\d+)/\1", bar) for bar in final_bars(shown)), final_bars(shown)


def test_no_bar_off_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "load", str(LAB_A)])
    assert (result.exit_code, result.stderr) == (0, "")
