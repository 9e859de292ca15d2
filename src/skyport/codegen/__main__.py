"""``python -m skyport.codegen``: the same as ``skyport codegen``."""

from skyport.codegen.cli import codegen

codegen(prog_name="python -m skyport.codegen")
