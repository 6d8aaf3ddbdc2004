"""The course in two languages: message catalogues (``tr``) and the Chinese edition's build (``edition``)."""

from .messages import LANGUAGES, get_language, set_language, tr
from . import edition
