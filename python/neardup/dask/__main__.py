"""python3 -m neardup.dask INPUT... -o OUT [--scheduler ADDRESS] [flags]"""

import sys

from neardup.dask import main

sys.exit(main())
