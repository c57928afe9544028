import sys

from aac.cli import main

sys.exit(main())
