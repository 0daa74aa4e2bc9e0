"""genai-lab."""
