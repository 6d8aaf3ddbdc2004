"""The lessons' nbval settings (notebooks/conftest.py) survive a loaded machine."""

import importlib.util
from pathlib import Path

CONFTEST = Path(__file__).resolve().parents[2] / "notebooks" / "conftest.py"


def test_nbval_waits_long_enough_for_a_loaded_kernels_last_outputs():
    spec = importlib.util.spec_from_file_location("notebooks_conftest", CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    class Cell:            # stands in for nbval's IPyNbCell, which starts at 5 s
        output_timeout = 5

    class Other:           # an ordinary test item is left alone
        pass

    cell, other = Cell(), Other()
    module.pytest_collection_modifyitems([cell, other])
    assert cell.output_timeout >= 60
    assert not hasattr(other, "output_timeout")
