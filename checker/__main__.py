"""``python -m checker`` runs the bedrock-audit CLI."""

from checker.cli import main

if __name__ == "__main__":
    main()
