"""The `qz` console script's exit: codes, output and exit handlers as at any exit, only quicker."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

QZ = Path(sys.executable).with_name("qz")


def test_the_console_script_prints_and_exits_with_the_commands_code():
    ok = subprocess.run([str(QZ), "--version"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and ok.stdout.startswith("qz, version")      # piped output flushed
    bad = subprocess.run([str(QZ), "brief", "--year", "2099"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "field 'year': got 2099" in bad.stderr


def test_exit_handlers_run_and_a_running_thread_is_waited_for(tmp_path):
    mark = tmp_path / "thread.txt"
    code = (
        "import atexit, sys, threading, time\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        f"threading.Thread(target=lambda: (time.sleep(0.5), open({str(mark)!r}, 'w').write('done'))).start()\n"
        "sys.argv = ['qz', '--version']\n"
        "from qzlib.cli import run\n"
        "run()\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "handler ran" in res.stdout and "qz, version" in res.stdout
    assert mark.read_text() == "done"
