"""rnnlab-slides: a prebuilt JupyterLab extension (``labextension/``) for jupyterlab-slideshow.

The wheel puts ``labextension/`` where JupyterLab looks for prebuilt extensions
(``share/jupyter/labextensions/rnnlab-slides``); this module only tells
``jupyter labextension`` where the files are.
"""

__version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "rnnlab-slides"}]
