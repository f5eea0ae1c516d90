"""Runs every benchmark in bench/ in turn (each in its own process and database)."""

import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
for script in sorted(here.glob("*.py")):
    if script.name in {"run.py", "harness.py", "urls.py", "__init__.py"}:
        continue
    print(f"== {script.name}", flush=True)
    subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False, cwd=here.parent)
