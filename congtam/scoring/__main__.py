import sys

from congtam.scoring.cli import main

sys.exit(main())
