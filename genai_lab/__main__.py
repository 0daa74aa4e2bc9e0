"""``python -m genai_lab`` runs the command line."""
import sys

from .cli import main

sys.exit(main())
