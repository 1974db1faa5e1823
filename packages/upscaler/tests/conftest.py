import sys
from pathlib import Path

# upscaler_tiny_models.py lives next to the tests (importlib import mode does not add this folder).
sys.path.insert(0, str(Path(__file__).parent))
