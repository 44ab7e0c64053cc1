"""Executes every notebook in this folder from the repository root, in memory (the committed
notebooks are left as they are), and fails on the first cell that raises. CI runs it:

    ALLYWAR_DATA=../shared/data/raw python3 notebooks/run.py   (after `pip install ./python`)
"""

import pathlib
import sys

import nbformat
from nbclient import NotebookClient

here = pathlib.Path(__file__).resolve().parent
notebooks = sorted(here.glob("*.ipynb"))
if not notebooks:
    sys.exit("no notebooks found")
for path in notebooks:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(here.parent)}})
    client.execute()
    print(f"executed {path.name}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells")
