"""``python -m genai_lab`` runs the command line."""
import sys

from genai_lab.cli import main

sys.exit(main())
