"""``python -m kacspectral`` runs the command line."""

import sys

from kacspectral.cli import main

sys.exit(main())
