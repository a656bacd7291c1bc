"""`python -m xlplan`: the `xlplan` command, where the Scripts folder is not on PATH."""

from xlplan.cli.main import cli

if __name__ == "__main__":  # worker processes import this module again and must not run the command
    cli(prog_name="xlplan")
