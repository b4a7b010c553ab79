from neardup._core import *  # noqa: F401,F403
from neardup._core import __version__ as __version__
from typing import Any, Sequence, Union
import os

def dedup(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]],
          output: Union[str, os.PathLike], **options: Any) -> dict[str, Any]: ...
