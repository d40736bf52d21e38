import sys
from pathlib import Path

# Tests import the checkout's ``live`` even when another copy is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
