import sys

from gaiko.cli import main

sys.exit(main())
