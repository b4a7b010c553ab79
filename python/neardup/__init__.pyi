from neardup._core import *  # noqa: F401,F403
from neardup._core import __version__ as __version__
from typing import Any, Callable, Optional, Sequence, Union
import os

def dedup(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]],
          output: Union[str, os.PathLike], *,
          progress: Optional[Callable[[str, int, int, int, int],
                                      Optional[bool]]] = ...,
          index: Optional[Union[str, os.PathLike]] = None,
          index_readonly: bool = False,
          **options: Any) -> dict[str, Any]: ...
def clean(paths: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]],
          output: Union[str, os.PathLike], *,
          progress: Optional[Callable[[str, int, int, int, int],
                                      Optional[bool]]] = ...,
          **options: Any) -> dict[str, Any]: ...
def find_duplicates(texts: Sequence[Union[str, bytes]], *,
                    numbers: Any = ..., **options: Any) -> dict[str, Any]: ...
