"""The course in two languages: the message catalogues (``tr``). The Chinese edition's build
tool is a developer's script (``scripts/zh_edition.py``), not part of what ``import rnnlab`` loads."""

from .messages import LANGUAGES, get_language, set_language, tr
